package dev.clearclip.spark;

import dev.clearclip.inference.ImageInput;
import dev.clearclip.pipeline.PipelinePlan;
import dev.clearclip.pipeline.SegmentationPipeline;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The executor side of the {@code segment} job, one call per task: streams a partition of
 * {@code (uri, image_id, done_vocabularies)} rows through the pipeline (files are read in its decode stage) and
 * emits {@link MaskSchema#MASKS} rows; an unreadable file becomes an error row like an undecodable one.
 */
public final class SegmentTask implements MapPartitionsFunction<Row, Row> {

    private final Broadcast<PipelinePlan> plan;
    private final Broadcast<HadoopConf> conf;
    private final Provenance provenance;
    private final int batchSize;
    private final long maxFileBytes;
    private final LongAccumulator modelLoads;
    private final LongAccumulator imagesDone;

    public SegmentTask(Broadcast<PipelinePlan> plan, Broadcast<HadoopConf> conf, Provenance provenance, int batchSize,
                       long maxFileBytes, LongAccumulator modelLoads, LongAccumulator imagesDone) {
        this.plan = plan;
        this.conf = conf;
        this.provenance = provenance;
        this.batchSize = batchSize;
        this.maxFileBytes = maxFileBytes;
        this.modelLoads = modelLoads;
        this.imagesDone = imagesDone;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> inputs) {
        PipelinePlan p = plan.value();
        return TaskPipeline.run(inputs, p, batchSize, modelLoads, imagesDone, this::input, new RowBuilder());
    }

    private ImageInput input(Row row) {
        String uri = row.getString(0);
        return new ImageInput(uri, () -> ImageFiles.read(uri, conf.value().get(), maxFileBytes));
    }

    /** Builds each vocabulary's settings JSON once per task, with the device and precision actually used. */
    private final class RowBuilder implements TaskPipeline.RowBuilder {
        private String[] settings;

        @Override
        public List<Row> rows(SegmentationPipeline pipeline, Row in, dev.clearclip.inference.ImageOutcome outcome) {
            if (settings == null) {
                PipelinePlan p = pipeline.plan();
                settings = new String[p.vocabularies().size()];
                for (int v = 0; v < settings.length; v++) {
                    settings[v] = p.settingsJson(v, pipeline.device(), pipeline.precision());
                }
            }
            List<String> skip = in.isNullAt(2) ? List.of() : in.getList(2);
            return MaskRows.of(in.getString(1), outcome, pipeline.plan().queries(), settings, Set.copyOf(skip),
                    provenance);
        }
    }
}
