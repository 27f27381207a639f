package dev.clearclip.spark;

import dev.clearclip.inference.ImageInput;
import dev.clearclip.inference.ImageOutcome;
import dev.clearclip.inference.ImageSegmenter;
import dev.clearclip.inference.SegmenterSpec;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The executor side of the job: streams a partition of {@code (uri, image_id, done_vocabularies)} rows through
 * read, batched segmentation and row building, a batch at a time so a partition never sits in memory whole.
 * Emits {@link MaskSchema#MASKS} rows; an unreadable file becomes an error row like an undecodable one.
 */
public final class PartitionSegmenter implements MapPartitionsFunction<Row, Row> {

    private final Broadcast<SegmenterSpec> spec;
    private final Broadcast<HadoopConf> conf;
    private final SegmenterProvider provider;
    private final Provenance provenance;
    private final String device;
    private final int batchSize;
    private final long maxFileBytes;
    private final LongAccumulator modelLoads;
    private final LongAccumulator imagesDone;

    public PartitionSegmenter(Broadcast<SegmenterSpec> spec, Broadcast<HadoopConf> conf, SegmenterProvider provider,
                              Provenance provenance, String device, int batchSize, long maxFileBytes,
                              LongAccumulator modelLoads, LongAccumulator imagesDone) {
        this.spec = spec;
        this.conf = conf;
        this.provider = provider;
        this.provenance = provenance;
        this.device = device;
        this.batchSize = batchSize;
        this.maxFileBytes = maxFileBytes;
        this.modelLoads = modelLoads;
        this.imagesDone = imagesDone;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> inputs) {
        if (TaskDevice.resolve(device).startsWith("cpu")) {
            ExecutorSegmenters.limitIntraOpThreads();
        }
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && inputs.hasNext()) {
                    ready.addAll(nextBatch(inputs));
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    private List<Row> nextBatch(Iterator<Row> inputs) {
        List<Row> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && inputs.hasNext()) {
            batch.add(inputs.next());
        }
        SegmenterSpec s = spec.value();
        List<ImageInput> readable = new ArrayList<>(batch.size());
        ImageOutcome[] outcomes = new ImageOutcome[batch.size()];
        List<Integer> slots = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            String uri = batch.get(i).getString(0);
            try {
                readable.add(new ImageInput(uri, ImageFiles.read(uri, conf.value().get(), maxFileBytes)));
                slots.add(i);
            } catch (IOException | RuntimeException e) {
                outcomes[i] = ImageOutcome.failed(uri, -1, -1, "cannot read: " + SafeSegmentation.describe(e));
            }
        }
        if (!readable.isEmpty()) {
            ImageSegmenter segmenter = ExecutorSegmenters.get(s, TaskDevice.resolve(device), provider, modelLoads);
            List<ImageOutcome> done = SafeSegmentation.segment(segmenter, readable);
            for (int j = 0; j < done.size(); j++) {
                outcomes[slots.get(j)] = done.get(j);
            }
        }
        List<Row> rows = new ArrayList<>(batch.size() * s.vocabularies().size());
        for (int i = 0; i < batch.size(); i++) {
            Row in = batch.get(i);
            List<String> skip = in.isNullAt(2) ? List.of() : in.getList(2);
            rows.addAll(MaskRows.of(in.getString(1), outcomes[i], s.vocabularies(), Set.copyOf(skip), provenance));
        }
        imagesDone.add(batch.size());
        return rows;
    }
}
