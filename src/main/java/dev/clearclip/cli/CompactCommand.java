package dev.clearclip.cli;

import dev.clearclip.io.Redact;
import dev.clearclip.lake.Compaction;
import dev.clearclip.lake.CompactionResult;
import dev.clearclip.lake.IcebergTables;
import dev.clearclip.lake.Target;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code clearclip compact}: maintenance of the Iceberg tables {@code segment --table-format iceberg} writes: rewrite
 * small files, expire old snapshots, remove files no snapshot references (what killed runs left).
 */
@Command(name = "compact", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compact the Iceberg tables of segment --table-format iceberg: rewrite small files, expire old "
                + "snapshots, remove orphan files. Run it after the runs of a day, never during one on the same "
                + "tables with --orphan-older-than under a day.")
public final class CompactCommand implements Callable<Integer> {

    @Option(names = "--output", paramLabel = "URI", description = "the warehouse segment wrote (its --output)")
    String output;
    @Option(names = "--catalog", paramLabel = "NAME", description = "or the Spark catalog holding the tables")
    String catalog;
    @Option(names = "--namespace", paramLabel = "NS", description = "the tables' namespace (default clearclip)")
    String namespace = "clearclip";
    @Option(names = "--tables", split = ",", paramLabel = "T", description = "default masks,class_stats,runs,shards")
    List<String> tables = List.of("masks", "class_stats", "runs", "shards");
    @Option(names = "--expire-older-than", paramLabel = "DAYS",
            description = "expire snapshots older than this many days (default 5): time travel ends there")
    double expireDays = 5;
    @Option(names = "--retain-last", paramLabel = "N", description = "snapshots kept whatever their age (default 1)")
    int retainLast = 1;
    @Option(names = "--orphan-older-than", paramLabel = "DAYS",
            description = "delete unreferenced files older than this (default 3, at least 1)")
    double orphanDays = 3;
    @Option(names = "--min-input-files", paramLabel = "N",
            description = "rewrite a partition's files only when it has at least N (default 5)")
    int minInputFiles = 5;
    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default local[*], or spark-submit's)")
    String master;

    private final PrintStream stdout;
    private final PrintStream stderr;

    public CompactCommand() {
        this(System.out, System.err);
    }

    CompactCommand(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    @Override
    public Integer call() {
        Target target;
        Compaction compaction;
        try {
            if ((output == null) == (catalog == null)) {
                throw new IllegalArgumentException("give --output WAREHOUSE or --catalog NAME (exactly one)");
            }
            // maintenance is not a run's write: it needs no lease of its own (Iceberg validates its commits)
            target = catalog != null ? Target.catalog(catalog, namespace, true)
                    : Target.warehouse(output.replaceFirst("/+$", ""), namespace, true);
            compaction = new Compaction(tables, days(expireDays), retainLast, days(orphanDays), minInputFiles,
                    "compact-" + Instant.now().toString().replaceAll("[^0-9TZ]", ""));
        } catch (IllegalArgumentException e) {
            stderr.println("clearclip compact: " + Redact.text(e.getMessage()));
            return 2;
        }
        SparkSession.Builder b = SparkSession.builder().appName("clearclip compact");
        if (master != null) {
            b.master(master);
        } else if (!new SparkConf().contains("spark.master")) {
            b.master("local[*]");
        }
        b.config("spark.sql.extensions", IcebergTables.extensionsWith(new SparkConf().get("spark.sql.extensions",
                null)));
        SparkSession spark = b.getOrCreate();
        try (IcebergTables lake = IcebergTables.open(spark, target)) {
            CompactionResult result = lake.compact(compaction);
            for (CompactionResult.TableResult t : result.tables()) {
                stdout.printf("%s: %d data files rewritten into %d, %d snapshots expired (%d data files deleted), "
                                + "%d orphan files removed%n", t.table(), t.rewrittenDataFiles(), t.addedDataFiles(),
                        t.expiredSnapshots(), t.deletedDataFiles(), t.orphanFilesDeleted());
            }
            return 0;
        } catch (IllegalArgumentException e) {
            stderr.println("clearclip compact: " + Redact.text(e.getMessage()));
            return 2;
        } catch (Exception e) {
            stderr.println("clearclip compact: failed: " + Redact.text(e.toString()));
            return 1;
        }
    }

    private static Duration days(double days) {
        return Duration.ofSeconds(Math.round(days * 86_400));
    }
}
