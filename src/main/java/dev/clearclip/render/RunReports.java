package dev.clearclip.render;

import dev.clearclip.lake.LakeTables;
import dev.clearclip.eval.MasksTable;
import dev.clearclip.output.Palette;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Gathers a run's page from the job's output folder: {@code runs} (summary; optional), {@code class_stats}
 * (chart; optional) and {@code masks} (overlays and error rows).
 */
public final class RunReports {
    static final int ERROR_ROWS = 100;

    private final SparkSession spark;
    private final String tables;
    private final OverlayMaker maker;
    private final Palette palette;

    public RunReports(SparkSession spark, String tables, OverlayMaker maker, Palette palette) {
        this.spark = spark;
        this.tables = tables.replaceAll("/+$", "");
        this.maker = maker;
        this.palette = palette;
    }

    /** the runs named, or every run in the masks table */
    public List<String> runIds(List<String> requested) {
        List<String> all = masks().rows().select(MasksTable.RUN_ID).distinct().orderBy(MasksTable.RUN_ID)
                .as(Encoders.STRING()).collectAsList();
        for (String r : requested) {
            if (!all.contains(r)) {
                throw new IllegalArgumentException("run '" + r + "' is not in " + LakeTables.child(tables, "masks")
                        + " (runs: "
                        + String.join(", ", all) + ")");
            }
        }
        return requested.isEmpty() ? all : requested;
    }

    public static String fileName(String runId) {
        return "report-" + runId.replaceAll("[^A-Za-z0-9._-]", "_") + ".html";
    }

    public ReportPage page(String runId, int overlays) throws IOException {
        MasksTable masks = masks();
        Dataset<Row> run = masks.rows().where(col(MasksTable.RUN_ID).equalTo(lit(runId)));
        Dataset<Row> stats = exists("class_stats") ? LakeTables.read(spark, LakeTables.child(tables, "class_stats"), null) : null;
        List<ReportPage.Section> sections = new ArrayList<>();
        for (String v : run.select(MasksTable.VOCABULARY).distinct().orderBy(MasksTable.VOCABULARY)
                .as(Encoders.STRING()).collectAsList()) {
            List<ClassChart.Bar> bars = stats == null ? List.of() : ClassChart.bars(stats, v, runId);
            byte[] chart = bars.isEmpty() ? null : ClassChart.render("Share of pixels by class, " + v, bars, 20,
                    palette);
            Renderer.Tiles tiles = Renderer.tiles(masks, v, runId, overlays, maker);
            Dataset<Row> errors = masks.latest(v, runId).where(col(MasksTable.STATUS).notEqual(lit(MasksTable.OK)));
            List<ReportPage.ErrorRow> rows = new ArrayList<>();
            for (Row e : errors.orderBy(MasksTable.IMAGE_ID).limit(ERROR_ROWS).collectAsList()) {
                rows.add(new ReportPage.ErrorRow(e.getAs(MasksTable.IMAGE_ID), e.getAs(MasksTable.URI),
                        e.getAs(MasksTable.ERROR)));
            }
            sections.add(new ReportPage.Section(v, chart, tiles.tiles(), tiles.failures(), errors.count(), rows));
        }
        return new ReportPage(runId, summary(runId, run), sections);
    }

    /** the run's row of {@code runs}, every column as text; without that table, counts from the masks */
    private Map<String, String> summary(String runId, Dataset<Row> run) throws IOException {
        Map<String, String> s = new LinkedHashMap<>();
        if (exists("runs")) {
            Dataset<Row> runs = LakeTables.read(spark, LakeTables.child(tables, "runs"), null).where(col("run_id").equalTo(lit(runId)));
            if (java.util.Arrays.asList(runs.columns()).contains("updated_at")) {
                runs = runs.orderBy(col("updated_at").desc_nulls_last()); // a run's newest row is its state
            }
            List<Row> rows = runs.limit(1).collectAsList();
            if (!rows.isEmpty()) {
                Row r = rows.get(0);
                for (StructField f : r.schema().fields()) {
                    Object v = r.get(r.fieldIndex(f.name()));
                    s.put(f.name(), text(v));
                }
                return s;
            }
        }
        s.put("run_id", runId);
        s.put("ok rows", Long.toString(run.where(col(MasksTable.STATUS).equalTo(lit(MasksTable.OK))).count()));
        s.put("error rows", Long.toString(run.where(col(MasksTable.STATUS).notEqual(lit(MasksTable.OK))).count()));
        s.put("note", "no runs table under " + tables);
        return s;
    }

    private static String text(Object v) {
        if (v instanceof scala.collection.Seq<?> seq) {
            List<String> parts = new ArrayList<>();
            // scala.collection.Iterator is the same in Scala 2.12 and 2.13 (converters differ), so both builds work
            for (scala.collection.Iterator<?> it = seq.iterator(); it.hasNext(); ) {
                parts.add(String.valueOf(it.next()));
            }
            return String.join(", ", parts);
        }
        if (v instanceof Double d) {
            return String.format(java.util.Locale.ROOT, Math.abs(d) >= 100 ? "%.1f" : "%.3f", d);
        }
        if (v instanceof String str && str.startsWith("{")) {
            try { // settings JSON: indented, so it wraps inside the page
                return PRETTY.writerWithDefaultPrettyPrinter().writeValueAsString(PRETTY.readTree(str));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return str;
            }
        }
        return String.valueOf(v);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper PRETTY =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private MasksTable masks() {
        return MasksTable.read(spark, LakeTables.child(tables, "masks"));
    }

    private boolean exists(String table) {
        return LakeTables.exists(spark, LakeTables.child(tables, table));
    }
}
