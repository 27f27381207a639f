package dev.clearclip.spark;

import dev.clearclip.inference.ImageInput;
import dev.clearclip.inference.ImageOutcome;
import dev.clearclip.inference.RejectedInputException;
import dev.clearclip.pipeline.PipelinePlan;
import dev.clearclip.vocabulary.QueryEmbeddings;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Executor side of {@link ClearClipSegmenter}, one call per task: each input row gets the segmentation columns. */
final class TransformTask implements MapPartitionsFunction<Row, Row> {

    private final Broadcast<PipelinePlan> plan;
    private final int batchSize;
    private final int maxAttempts;
    private final int bytesIndex;
    private final int uriIndex;
    private final LongAccumulator loads;

    TransformTask(Broadcast<PipelinePlan> plan, int batchSize, int maxAttempts, int bytesIndex, int uriIndex,
                  LongAccumulator loads) {
        this.plan = plan;
        this.batchSize = batchSize;
        this.maxAttempts = maxAttempts;
        this.bytesIndex = bytesIndex;
        this.uriIndex = uriIndex;
        this.loads = loads;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return TaskPipeline.run(rows, plan.value(), batchSize, maxAttempts, loads, null, this::input,
                (pipeline, in, outcome) -> List.of(append(in, outcome, pipeline.plan().queries())));
    }

    private ImageInput input(Row r) {
        String name = uriIndex >= 0 && !r.isNullAt(uriIndex) ? String.valueOf(r.get(uriIndex)) : "row";
        if (r.isNullAt(bytesIndex)) {
            return new ImageInput(name, () -> {
                throw new RejectedInputException("no image bytes (null)");
            });
        }
        return new ImageInput(name, (byte[]) r.get(bytesIndex));
    }

    private static Row append(Row in, ImageOutcome o, List<QueryEmbeddings> vocabularies) {
        Object[] values = new Object[in.length() + 5];
        for (int i = 0; i < in.length(); i++) {
            values[i] = in.get(i);
        }
        int n = in.length();
        values[n] = o.width() < 0 ? null : o.width();
        values[n + 1] = o.height() < 0 ? null : o.height();
        values[n + 2] = o.ok() ? MaskSchema.OK : MaskSchema.ERROR;
        values[n + 3] = o.error();
        if (o.ok()) {
            List<Row> segments = new ArrayList<>();
            for (QueryEmbeddings q : vocabularies) {
                Object[] segment = MaskRows.segment(o, q);
                if (segment != null) {
                    segments.add(RowFactory.create(segment));
                }
            }
            values[n + 4] = MaskRows.seq(segments);
        }
        return RowFactory.create(values);
    }
}
