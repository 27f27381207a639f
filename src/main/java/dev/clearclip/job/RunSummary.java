package dev.clearclip.job;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;

/** The console summary printed at the end of a run: counts, throughput and the top classes per vocabulary. */
final class RunSummary {

    private static final int TOP_CLASSES = 10;

    private RunSummary() {
    }

    static String render(SparkSession spark, RunRecord r, JobSettings s) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "run %s  %s  model %s (weights %s)%n", r.runId(), r.status(),
                r.modelId(), r.weightsSha256() == null ? "?" : r.weightsSha256().substring(0, 12)));
        out.append(String.format(Locale.ROOT,
                "  inputs %d  skipped %d  processed %d  ok %d  errors %d (%.2f%%)  failed in the table %d (%.2f%%)"
                        + "  model loads %d%n",
                r.listed(), r.skipped(), r.processed(), r.succeeded(), r.failed(), 100 * r.errorRate(),
                r.outstandingFailed(), 100 * r.outstandingErrorRate(), r.modelLoads()));
        out.append(String.format(Locale.ROOT, "  wall %.1f s  %.2f images/s  output %s%n", r.wallSeconds(),
                r.imagesPerSecond(), r.output()));
        if (r.processed() == 0) {
            return out.toString();
        }
        List<Row> top;
        try (ResultTables tables = ResultTables.open(spark, s)) {
            top = tables.read("class_stats", ClassStatsTable.SCHEMA)
                    .where(col("run_date").equalTo(lit(r.runDate())).and(col("run_id").equalTo(lit(r.runId()))))
                    .orderBy(col("vocabulary"), desc("pixels")).collectAsList();
        }
        out.append(String.format(Locale.ROOT, "  %-16s %-24s %8s %14s %9s %9s%n", "vocabulary", "class", "images",
                "pixels", "fraction", "mean_conf"));
        String vocabulary = null;
        int shown = 0;
        for (Row c : top) {
            if (!c.getAs("vocabulary").equals(vocabulary)) {
                vocabulary = c.getAs("vocabulary");
                shown = 0;
            }
            if (shown++ < TOP_CLASSES) {
                out.append(String.format(Locale.ROOT, "  %-16s %-24s %8d %14d %9.4f %9.4f%n", vocabulary,
                        c.<String>getAs("name"), c.<Long>getAs("images"), c.<Long>getAs("pixels"),
                        c.<Double>getAs("pixel_fraction"), c.<Double>getAs("mean_confidence")));
            }
        }
        return out.toString();
    }
}
