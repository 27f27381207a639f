package dev.clearclip.spark;

import dev.clearclip.inference.ImageInput;
import dev.clearclip.inference.ImageOutcome;
import dev.clearclip.inference.ImageSegmenter;
import dev.clearclip.inference.QueryEmbeddings;
import dev.clearclip.inference.SegmenterSpec;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Executor side of {@link ClearClipSegmenter}: each input row gets the segmentation columns appended. */
final class TransformPartition implements MapPartitionsFunction<Row, Row> {

    private final Broadcast<SegmenterSpec> spec;
    private final SegmenterProvider provider;
    private final String device;
    private final int batchSize;
    private final int bytesIndex;
    private final int uriIndex;
    private final LongAccumulator loads;

    TransformPartition(Broadcast<SegmenterSpec> spec, SegmenterProvider provider, String device, int batchSize,
                       int bytesIndex, int uriIndex, LongAccumulator loads) {
        this.spec = spec;
        this.provider = provider;
        this.device = device;
        this.batchSize = batchSize;
        this.bytesIndex = bytesIndex;
        this.uriIndex = uriIndex;
        this.loads = loads;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (TaskDevice.resolve(device).startsWith("cpu")) {
            ExecutorSegmenters.limitIntraOpThreads();
        }
        return new Iterator<>() {
            private Iterator<Row> ready = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                while (!ready.hasNext() && rows.hasNext()) {
                    ready = batch(rows).iterator();
                }
                return ready.hasNext();
            }

            @Override
            public Row next() {
                hasNext();
                return ready.next();
            }
        };
    }

    private List<Row> batch(Iterator<Row> rows) {
        List<Row> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && rows.hasNext()) {
            batch.add(rows.next());
        }
        SegmenterSpec s = spec.value();
        ImageOutcome[] outcomes = new ImageOutcome[batch.size()];
        List<ImageInput> images = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Row r = batch.get(i);
            String name = uriIndex >= 0 && !r.isNullAt(uriIndex) ? String.valueOf(r.get(uriIndex)) : "row";
            if (r.isNullAt(bytesIndex)) {
                outcomes[i] = ImageOutcome.failed(name, -1, -1, "no image bytes (null)");
            } else {
                images.add(new ImageInput(name, (byte[]) r.get(bytesIndex)));
                slots.add(i);
            }
        }
        if (!images.isEmpty()) {
            ImageSegmenter segmenter = ExecutorSegmenters.get(s, TaskDevice.resolve(device), provider, loads);
            List<ImageOutcome> done = SafeSegmentation.segment(segmenter, images);
            for (int j = 0; j < done.size(); j++) {
                outcomes[slots.get(j)] = done.get(j);
            }
        }
        List<Row> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            out.add(append(batch.get(i), outcomes[i], s.vocabularies()));
        }
        return out;
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
