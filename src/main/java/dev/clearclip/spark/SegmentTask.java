package dev.clearclip.spark;

import dev.clearclip.inference.ImageInput;
import dev.clearclip.inference.ImageOutcome;
import dev.clearclip.inference.RejectedInputException;
import dev.clearclip.io.FileNames;
import dev.clearclip.pipeline.PipelinePlan;
import dev.clearclip.pipeline.SegmentationPipeline;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The executor side of the {@code segment} job, one call per task: streams a partition of
 * {@link InputRows#WITH_DONE} rows through the pipeline (files are read in its decode stage) and emits
 * {@link MaskSchema#MASKS} rows; an unreadable file or a known-bad input becomes an error row like an undecodable
 * one.
 */
public final class SegmentTask implements MapPartitionsFunction<Row, Row> {

    /**
     * @param maxFileBytes      files over this many bytes are error rows, never read
     * @param idsAreFileNames   image ids will name files (label export): an id that cannot is an error row
     * @param maxAttempts       attempts Spark gives each task ({@link TaskAttempts})
     * @param attemptLog        folder of the run's poison-image notes ({@link AttemptLog}), or null for none
     */
    public record Limits(int batchSize, long maxFileBytes, boolean idsAreFileNames, int maxAttempts,
                         String attemptLog) implements Serializable {
    }

    private final Broadcast<PipelinePlan> plan;
    private final Broadcast<HadoopConf> conf;
    private final Provenance provenance;
    private final Limits limits;
    private final LongAccumulator modelLoads;
    private final LongAccumulator imagesDone;

    public SegmentTask(Broadcast<PipelinePlan> plan, Broadcast<HadoopConf> conf, Provenance provenance, Limits limits,
                       LongAccumulator modelLoads, LongAccumulator imagesDone) {
        this.plan = plan;
        this.conf = conf;
        this.provenance = provenance;
        this.limits = limits;
        this.modelLoads = modelLoads;
        this.imagesDone = imagesDone;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> inputs) {
        PipelinePlan p = plan.value();
        if (!inputs.hasNext()) {
            return inputs;
        }
        AttemptLog log = AttemptLog.open(limits.attemptLog(), org.apache.spark.TaskContext.get(), conf.value().get());
        return TaskPipeline.run(inputs, p, limits.batchSize(), limits.maxAttempts(), log, modelLoads, imagesDone,
                this::input, new RowBuilder());
    }

    private ImageInput input(Row row) {
        String uri = row.getString(InputRows.URI);
        if (!row.isNullAt(InputRows.READ_ERROR)) {
            String error = row.getString(InputRows.READ_ERROR);
            boolean retryable = !row.isNullAt(InputRows.READ_ERROR_RETRYABLE)
                    && row.getBoolean(InputRows.READ_ERROR_RETRYABLE);
            return new ImageInput(uri, () -> {
                throw retryable ? new IOException(error) : new RejectedInputException(error);
            });
        }
        String badId = limits.idsAreFileNames() ? FileNames.problem(row.getString(InputRows.IMAGE_ID)) : null;
        if (badId != null) {
            return new ImageInput(uri, () -> {
                throw new RejectedInputException(badId + ", so it cannot name its exported label file");
            });
        }
        if (!row.isNullAt(InputRows.IMAGE)) {
            return new ImageInput(uri, (byte[]) row.get(InputRows.IMAGE));
        }
        return new ImageInput(uri, () -> ImageFiles.read(uri, conf.value().get(), limits.maxFileBytes()));
    }

    /** Builds each vocabulary's settings JSON and hash once per task, with the device and precision actually used. */
    private final class RowBuilder implements TaskPipeline.RowBuilder {
        private String[] settings;
        private String[] hashes;

        @Override
        public List<Row> rows(SegmentationPipeline pipeline, Row in, ImageOutcome outcome) {
            if (settings == null) {
                PipelinePlan p = pipeline.plan();
                settings = new String[p.vocabularies().size()];
                hashes = new String[settings.length];
                for (int v = 0; v < settings.length; v++) {
                    settings[v] = p.settingsJson(v, pipeline.device(), pipeline.precision());
                    hashes[v] = p.labelSettingsHash(v);
                }
            }
            List<String> skip = in.isNullAt(InputRows.DONE) ? List.of() : in.getList(InputRows.DONE);
            Map<String, String> metadata = in.isNullAt(InputRows.METADATA) ? null : in.getJavaMap(InputRows.METADATA);
            return MaskRows.of(new MaskRows.Input(in.getString(InputRows.IMAGE_ID), in.getString(InputRows.SOURCE),
                    in.getString(InputRows.KEY), metadata, in.getString(InputRows.FINGERPRINT)), outcome,
                    pipeline.plan().queries(), settings, hashes, Set.copyOf(skip), provenance);
        }
    }
}
