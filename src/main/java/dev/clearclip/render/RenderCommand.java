package dev.clearclip.render;

import dev.clearclip.io.Redact;
import dev.clearclip.spark.HadoopConf;
import dev.clearclip.eval.EvaluateCommand;
import dev.clearclip.eval.HadoopFiles;
import dev.clearclip.eval.MasksTable;
import dev.clearclip.output.Palette;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code clearclip render}: pictures of a run for people. Exit 0 when everything was drawn, 1 when some images
 * could not be (the rest is written, the failures named), 2 for bad input.
 */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Draw overlays, a contact sheet, a class chart or an HTML report from the job's tables.",
        subcommands = {RenderCommand.Overlays.class, RenderCommand.Sheet.class, RenderCommand.Chart.class,
                RenderCommand.Report.class})
public final class RenderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--master", paramLabel = "URL", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Spark master (default local[*], or what spark-submit set)")
    String master;

    PrintStream stdout = System.out;
    PrintStream stderr = System.err;

    @Override
    public Integer call() {
        stderr.println("clearclip render: name what to draw: overlays, contact-sheet, chart or report");
        return 2;
    }

    /** what every subcommand shares: the session, the Hadoop configuration, exit codes for failures */
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        RenderCommand parent;
        @Option(names = "--vocabulary", paramLabel = "NAME", description = "which vocabulary (default: the only one)")
        String vocabulary;
        @Option(names = "--run-id", paramLabel = "ID", description = "only this run (default: all runs)")
        String runId;

        SparkSession spark;

        @Override
        public final Integer call() {
            System.setProperty("java.awt.headless", "true");
            try {
                validate();
                spark = EvaluateCommand.session(parent.master, "clearclip render");
                return run();
            } catch (IllegalArgumentException e) {
                parent.stderr.println("clearclip render: " + Redact.text(e.getMessage()));
                return 2;
            } catch (AnalysisException e) {
                parent.stderr.println("clearclip render: cannot read a table: " + e.getSimpleMessage());
                return 2;
            } catch (Exception e) {
                parent.stderr.println("clearclip render: failed: " + Redact.text(e.toString()));
                return 1;
            }
        }

        void validate() {
        }

        abstract int run() throws Exception;

        HadoopConf conf() {
            return new HadoopConf(spark.sparkContext().hadoopConfiguration());
        }

        OverlayMaker maker() {
            return new OverlayMaker(conf(), Palette.forVocabulary(vocabulary));
        }

        int failures(List<String> failures, long failed) {
            failures.forEach(f -> parent.stderr.println("clearclip render: not drawn: " + f));
            if (failed > failures.size()) {
                parent.stderr.println("clearclip render: ... " + (failed - failures.size()) + " more not drawn");
            }
            return failed > 0 ? 1 : 0;
        }
    }

    @Command(name = "overlays", mixinStandardHelpOptions = true,
            description = "One overlay PNG per segmented image: OUT/<image_id>.png.")
    static final class Overlays extends Sub {
        @Option(names = "--masks", required = true, paramLabel = "URI", description = "the masks table")
        String masks;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder for the PNGs")
        String out;
        @Option(names = "--limit", paramLabel = "N", description = "only the first N images by id")
        Integer limit;

        @Override
        void validate() {
            if (limit != null && limit < 1) {
                throw new IllegalArgumentException("--limit must be positive, got " + limit);
            }
        }

        @Override
        int run() {
            MasksTable t = MasksTable.read(spark, masks);
            Renderer.Outcome o = Renderer.writeOverlays(t, t.resolveVocabulary(vocabulary), runId, limit, out,
                    maker(), conf());
            parent.stdout.println("wrote " + o.written() + " overlays to " + out);
            return failures(o.failures(), o.failed());
        }
    }

    @Command(name = "contact-sheet", mixinStandardHelpOptions = true,
            description = "The overlays of the first N images by id in one PNG grid.")
    static final class Sheet extends Sub {
        @Option(names = "--masks", required = true, paramLabel = "URI", description = "the masks table")
        String masks;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the PNG to write")
        String out;
        @Option(names = "--count", paramLabel = "N", description = "images (default 16)")
        int count = 16;
        @Option(names = "--columns", paramLabel = "N", description = "images per row (default 4)")
        int columns = 4;
        @Option(names = "--cell-width", paramLabel = "PX", description = "width of each image (default 320)")
        int cellWidth = 320;

        @Override
        void validate() {
            if (count < 1 || count > 1000 || columns < 1 || cellWidth < 32 || cellWidth > 4096) {
                throw new IllegalArgumentException("need --count in 1..1000, --columns >= 1 and --cell-width in "
                        + "32..4096, got " + count + ", " + columns + ", " + cellWidth);
            }
        }

        @Override
        int run() throws Exception {
            MasksTable t = MasksTable.read(spark, masks);
            Renderer.Tiles tiles = Renderer.tiles(t, t.resolveVocabulary(vocabulary), runId, count, maker());
            if (tiles.tiles().isEmpty()) {
                failures(tiles.failures(), tiles.failures().size());
                throw new IllegalArgumentException("no image of " + masks + " could be drawn");
            }
            HadoopFiles.write(out, ContactSheet.render(tiles.tiles(), columns, cellWidth),
                    spark.sparkContext().hadoopConfiguration());
            parent.stdout.println("wrote a contact sheet of " + tiles.tiles().size() + " images to " + out);
            return failures(tiles.failures(), tiles.failures().size());
        }
    }

    @Command(name = "chart", mixinStandardHelpOptions = true,
            description = "Bar chart PNG of the share of pixels per class, from class_stats.")
    static final class Chart extends Sub {
        @Option(names = "--class-stats", required = true, paramLabel = "URI", description = "the class_stats table")
        String classStats;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the PNG to write")
        String out;
        @Option(names = "--top", paramLabel = "K", description = "classes shown (default 20)")
        int top = 20;

        @Override
        void validate() {
            if (top < 1) {
                throw new IllegalArgumentException("--top must be positive, got " + top);
            }
        }

        @Override
        int run() throws Exception {
            Dataset<Row> stats = spark.read().parquet(classStats);
            List<String> all = stats.select("vocabulary").distinct().orderBy("vocabulary").as(Encoders.STRING())
                    .collectAsList();
            String v = vocabulary;
            if (v == null && all.size() == 1) {
                v = all.get(0);
            } else if (v == null || !all.contains(v)) {
                throw new IllegalArgumentException((v == null ? "choose a vocabulary with --vocabulary"
                        : "vocabulary '" + v + "' is not in " + classStats) + " (it has " + String.join(", ", all)
                        + ")");
            }
            List<ClassChart.Bar> bars = ClassChart.bars(stats, v, runId);
            if (bars.isEmpty()) {
                throw new IllegalArgumentException("no class statistics for run " + runId + " in " + classStats);
            }
            HadoopFiles.write(out, ClassChart.render("Share of pixels by class, " + v, bars, top,
                    Palette.forVocabulary(v)), spark.sparkContext().hadoopConfiguration());
            parent.stdout.println("wrote a chart of " + Math.min(top, bars.size()) + " classes to " + out);
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "One self-contained HTML page per run (OUT/report-<run_id>.html): summary, class chart, "
                    + "overlays, error rows.")
    static final class Report extends Sub {
        @Option(names = "--tables", required = true, paramLabel = "URI",
                description = "the job's tables: its --output (Parquet), an Iceberg warehouse's namespace folder "
                        + "(<warehouse>/<namespace>), or a catalog namespace (catalog.namespace)")
        String tables;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder for the pages")
        String out;
        @Option(names = "--overlays", paramLabel = "N", description = "overlays per vocabulary (default 12)")
        int overlays = 12;

        @Override
        void validate() {
            if (overlays < 0 || overlays > 500) {
                throw new IllegalArgumentException("--overlays must be in 0..500, got " + overlays);
            }
        }

        @Override
        int run() throws Exception {
            RunReports reports = new RunReports(spark, tables, maker(), Palette.forVocabulary(vocabulary));
            List<String> runs = reports.runIds(runId == null ? List.of() : List.of(runId));
            List<String> failures = new ArrayList<>();
            for (String r : runs) {
                ReportPage page = reports.page(r, overlays);
                page.sections().forEach(s -> failures.addAll(s.renderFailures()));
                String uri = out.replaceAll("/+$", "") + "/" + RunReports.fileName(r);
                HadoopFiles.write(uri, page.html().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        spark.sparkContext().hadoopConfiguration());
                parent.stdout.println("wrote " + uri);
            }
            return failures(failures, failures.size());
        }
    }
}
