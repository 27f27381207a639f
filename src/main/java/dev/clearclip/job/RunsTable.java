package dev.clearclip.job;

import dev.clearclip.spark.HadoopConf;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

/**
 * The {@code runs} table and its JSON copy {@code runs_json/<run_id>.json}. Rows are appended as a run moves
 * ({@code running} at its start and after each committed wave, then its end state); a run's current state is its
 * newest row by {@code updated_at}. A run still {@code running} when another run holds the output's lease died:
 * it is marked {@code abandoned}.
 */
final class RunsTable {

    static final String RUNNING = "running";
    static final String SUCCEEDED = "succeeded";
    static final String FAILED_ERROR_RATE = "failed_error_rate";
    static final String FAILED = "failed";
    static final String ABANDONED = "abandoned";

    private RunsTable() {
    }

    static RunRecord finish(RunRecord r, Double maxErrorRate) {
        String status = maxErrorRate != null && r.outstandingErrorRate() > maxErrorRate ? FAILED_ERROR_RATE : SUCCEEDED;
        Instant now = Instant.now();
        return r.with(status, now, now, r.wavesCommitted());
    }

    static void write(SparkSession spark, ResultTables tables, RunRecord run, JobSettings s, HadoopConf conf)
            throws IOException {
        spark.sparkContext().setJobDescription("clearclip: record run " + run.runId() + " " + run.status());
        tables.append("runs", spark.createDataFrame(List.of(run.toRow()), RunRecord.SCHEMA), run.runId(),
                run.wavesCommitted());
        LabelExport.write(new Path(s.table("runs_json") + "/" + run.runId() + ".json"),
                run.toJson().getBytes(StandardCharsets.UTF_8), conf);
    }

    /** Each run's newest row. */
    private static Dataset<Row> current(ResultTables tables) {
        Dataset<Row> runs = tables.read("runs", RunRecord.SCHEMA);
        var newest = Window.partitionBy("run_id").orderBy(col("updated_at").desc_nulls_last(),
                col("finished_at").desc_nulls_first());
        return runs.withColumn("_rank", row_number().over(newest)).where(col("_rank").equalTo(1)).drop("_rank");
    }

    /**
     * Abandoned runs whose committed waves have no statistics yet (an abandoned row without {@code finished_at});
     * {@link #statisticsBuilt} records them built.
     */
    static List<String> withoutStatistics(ResultTables tables, String current) {
        return current(tables).where(col("status").equalTo(lit(ABANDONED)).and(col("finished_at").isNull())
                        .and(col("run_id").notEqual(lit(current))))
                .select("run_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    /** A second abandoned row, with {@code finished_at}: that run's statistics are built. */
    static void statisticsBuilt(SparkSession spark, ResultTables tables, String runId, String byRun) {
        Row last = current(tables).where(col("run_id").equalTo(lit(runId))).first();
        java.sql.Timestamp now = java.sql.Timestamp.from(Instant.now());
        tables.append("runs", spark.createDataFrame(List.of(copy(last, java.util.Map.of("finished_at", now,
                "updated_at", now))), RunRecord.SCHEMA), byRun, 0);
    }

    /** A runs row with some columns replaced. */
    private static Row copy(Row row, java.util.Map<String, Object> replaced) {
        Object[] values = new Object[row.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.get(i);
        }
        replaced.forEach((column, value) -> values[row.fieldIndex(column)] = value);
        return org.apache.spark.sql.RowFactory.create(values);
    }

    /** Images per second of the newest finished run that segmented anything, or 0 when there is none. */
    static double lastPace(ResultTables tables) {
        List<Row> last = tables.read("runs", RunRecord.SCHEMA)
                .where(col("status").isin(SUCCEEDED, FAILED_ERROR_RATE).and(col("processed").gt(0)))
                .orderBy(col("updated_at").desc_nulls_last()).select("images_per_second").limit(1).collectAsList();
        return last.isEmpty() || last.get(0).isNullAt(0) ? 0 : last.get(0).getDouble(0);
    }

    /**
     * Runs whose newest row is still {@code running} (other than {@code current}): called with the output's lease
     * held, so they are dead. Each gets an {@code abandoned} row; their ids are returned so that their committed
     * waves' statistics can be built.
     */
    static List<String> markAbandoned(SparkSession spark, ResultTables tables, String current) {
        List<Row> dead = current(tables).where(col("status").equalTo(lit(RUNNING))
                .and(col("run_id").notEqual(lit(current)))).collectAsList();
        if (dead.isEmpty()) {
            return List.of();
        }
        java.sql.Timestamp now = java.sql.Timestamp.from(Instant.now());
        List<Row> marked = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Row r : dead) {
            marked.add(copy(r, java.util.Map.of("status", ABANDONED, "updated_at", now)));
            ids.add(r.getString(r.fieldIndex("run_id")));
        }
        spark.sparkContext().setJobDescription("clearclip: mark abandoned runs " + ids);
        tables.append("runs", spark.createDataFrame(marked, RunRecord.SCHEMA), current, 0);
        return ids;
    }
}
