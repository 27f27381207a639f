package dev.clearclip.inference;

import java.util.List;

/**
 * Decodes and segments raw image files against every configured vocabulary. The image encoder runs once per
 * image whatever the number of vocabularies. Implementations batch windows across the given images.
 */
public interface ImageSegmenter extends AutoCloseable {

    /** One outcome per input, in input order; a bad image yields a failed outcome, never an exception. */
    List<ImageOutcome> segment(List<ImageInput> images);

    @Override
    void close();
}
