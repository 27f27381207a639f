package dev.clearclip.inference;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Decodes and segments raw image files against every configured vocabulary. The image encoder runs once per
 * image whatever the number of vocabularies. Implementations batch windows across the given images.
 */
public interface ImageSegmenter extends AutoCloseable {

    /** One outcome per input, in input order; a bad image yields a failed outcome, never an exception. */
    List<ImageOutcome> segment(List<ImageInput> images);

    /**
     * Lazily segments a stream (a Spark partition) in batches of {@code batchSize}, outcomes in input order.
     * Implementations may prepare the next batch while the current one is on the encoder.
     */
    default Iterator<ImageOutcome> segmentAll(Iterator<ImageInput> images, int batchSize) {
        return new Iterator<>() {
            private Iterator<ImageOutcome> current = List.<ImageOutcome>of().iterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && images.hasNext()) {
                    List<ImageInput> batch = new ArrayList<>(batchSize);
                    while (batch.size() < batchSize && images.hasNext()) {
                        batch.add(images.next());
                    }
                    current = segment(batch).iterator();
                }
                return current.hasNext();
            }

            @Override
            public ImageOutcome next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    @Override
    void close();
}
