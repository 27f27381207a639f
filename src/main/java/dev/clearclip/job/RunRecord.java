package dev.clearclip.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code runs} row of a run (also written as JSON). A run writes a row when it starts ({@code running}), one
 * per committed wave and one at its end; its current state is its newest row by {@code updated_at}. Holds URIs and
 * settings, never credentials.
 *
 * @param finishedAt null while the run is running
 */
public record RunRecord(String runId, String runDate, Instant startedAt, Instant finishedAt, Instant updatedAt,
                        String status, int wavesTotal, int wavesCommitted,
                        List<String> inputs, String output, long listed, long skipped, long processed,
                        long succeeded, long failed, long outstandingFailed, long modelLoads, double wallSeconds, double imagesPerSecond,
                        String modelId, String weightsSha256, List<String> vocabularies, String settings,
                        String codeVersion) {

    static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("started_at", DataTypes.TimestampType, false)
            .add("finished_at", DataTypes.TimestampType, true)
            .add("updated_at", DataTypes.TimestampType, true)
            .add("status", DataTypes.StringType, false)
            .add("waves_total", DataTypes.IntegerType, true)
            .add("waves_committed", DataTypes.IntegerType, true)
            .add("inputs", DataTypes.createArrayType(DataTypes.StringType), false)
            .add("output", DataTypes.StringType, false)
            .add("listed", DataTypes.LongType, false)
            .add("skipped", DataTypes.LongType, false)
            .add("processed", DataTypes.LongType, false)
            .add("succeeded", DataTypes.LongType, false)
            .add("failed", DataTypes.LongType, false)
            .add("outstanding_failed", DataTypes.LongType, true)
            .add("model_loads", DataTypes.LongType, false)
            .add("wall_seconds", DataTypes.DoubleType, false)
            .add("images_per_second", DataTypes.DoubleType, false)
            .add("model_id", DataTypes.StringType, false)
            .add("weights_sha256", DataTypes.StringType, true)
            .add("vocabularies", DataTypes.createArrayType(DataTypes.StringType), false)
            .add("settings", DataTypes.StringType, false)
            .add("code_version", DataTypes.StringType, false)
            .add("run_date", DataTypes.StringType, false);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** This row with another state. */
    RunRecord with(String newStatus, Instant finished, Instant updated, int committed) {
        return new RunRecord(runId, runDate, startedAt, finished, updated, newStatus, wavesTotal, committed, inputs,
                output, listed, skipped, processed, succeeded, failed, outstandingFailed, modelLoads, wallSeconds,
                imagesPerSecond, modelId, weightsSha256, vocabularies, settings, codeVersion);
    }

    /** Images listed, skipped and processed, once known (a shard's samples are known after it is read). */
    RunRecord withListing(long newListed, long newSkipped, long newProcessed) {
        return new RunRecord(runId, runDate, startedAt, finishedAt, updatedAt, status, wavesTotal, wavesCommitted,
                inputs, output, newListed, newSkipped, newProcessed, succeeded, failed, outstandingFailed, modelLoads,
                wallSeconds, imagesPerSecond, modelId, weightsSha256, vocabularies, settings, codeVersion);
    }

    /** Counts as they stand (at a wave or at the end). */
    RunRecord withCounts(long newSucceeded, long newFailed, long newOutstanding, long loads, double wall) {
        return new RunRecord(runId, runDate, startedAt, finishedAt, updatedAt, status, wavesTotal, wavesCommitted,
                inputs, output, listed, skipped, processed, newSucceeded, newFailed, newOutstanding, loads, wall,
                wall > 0 ? (newSucceeded + newFailed) / wall : 0, modelId, weightsSha256, vocabularies, settings,
                codeVersion);
    }

    public double errorRate() {
        return processed == 0 ? 0 : (double) failed / processed;
    }

    /**
     * What {@code --max-error-rate} is checked against: the input's images that are failed in the table after this
     * run, whichever run failed them, over all listed images. A retry that skips everything fails again.
     */
    public double outstandingErrorRate() {
        return listed == 0 ? 0 : (double) outstandingFailed / listed;
    }

    // JavaConverters (deprecated in 2.13) is the converter both Scala 2.12 (-Pspark35) and 2.13 have
    @SuppressWarnings("deprecation")
    Row toRow() {
        return RowFactory.create(runId, Timestamp.from(startedAt), finishedAt == null ? null : Timestamp.from(finishedAt),
                Timestamp.from(updatedAt), status, wavesTotal, wavesCommitted, scala.collection.JavaConverters.asScalaBuffer(inputs).toList(), output,
                listed, skipped, processed, succeeded, failed, outstandingFailed, modelLoads, wallSeconds, imagesPerSecond, modelId,
                weightsSha256, scala.collection.JavaConverters.asScalaBuffer(vocabularies).toList(), settings, codeVersion,
                runDate);
    }

    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", runId);
        m.put("run_date", runDate);
        m.put("started_at", startedAt.toString());
        m.put("finished_at", finishedAt == null ? null : finishedAt.toString());
        m.put("updated_at", updatedAt.toString());
        m.put("status", status);
        m.put("waves_total", wavesTotal);
        m.put("waves_committed", wavesCommitted);
        m.put("inputs", inputs);
        m.put("output", output);
        m.put("listed", listed);
        m.put("skipped", skipped);
        m.put("processed", processed);
        m.put("succeeded", succeeded);
        m.put("failed", failed);
        m.put("outstanding_failed", outstandingFailed);
        m.put("model_loads", modelLoads);
        m.put("wall_seconds", wallSeconds);
        m.put("images_per_second", imagesPerSecond);
        m.put("model_id", modelId);
        m.put("weights_sha256", weightsSha256);
        m.put("vocabularies", vocabularies);
        m.put("code_version", codeVersion);
        try {
            m.put("settings", JSON.readTree(settings));
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write run " + runId + " as JSON", e);
        }
    }
}
