package dev.clearclip.job;

import dev.clearclip.spark.HadoopConf;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The {@code runs} table (one row per run, appended) and its JSON copy {@code runs_json/<run_id>.json}. */
final class RunsTable {

    static final String SUCCEEDED = "succeeded";
    static final String FAILED_ERROR_RATE = "failed_error_rate";

    private RunsTable() {
    }

    static RunRecord finish(RunRecord r, Double maxErrorRate) {
        String status = maxErrorRate != null && r.outstandingErrorRate() > maxErrorRate ? FAILED_ERROR_RATE : SUCCEEDED;
        return new RunRecord(r.runId(), r.runDate(), r.startedAt(), r.finishedAt(), status, r.inputs(), r.output(),
                r.listed(), r.skipped(), r.processed(), r.succeeded(), r.failed(), r.outstandingFailed(), r.modelLoads(), r.wallSeconds(),
                r.imagesPerSecond(), r.modelId(), r.weightsSha256(), r.vocabularies(), r.settings(), r.codeVersion());
    }

    static void write(SparkSession spark, RunRecord run, JobSettings s, HadoopConf conf) throws IOException {
        spark.sparkContext().setJobDescription("clearclip: record run " + run.runId());
        spark.createDataFrame(List.of(run.toRow()), RunRecord.SCHEMA).coalesce(1)
                .write().mode(SaveMode.Append).parquet(s.table("runs"));
        LabelExport.write(new Path(s.table("runs_json") + "/" + run.runId() + ".json"),
                run.toJson().getBytes(StandardCharsets.UTF_8), conf);
    }
}
