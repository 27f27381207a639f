package dev.clearclip.spark;

import dev.clearclip.inference.ImageInput;
import dev.clearclip.inference.ImageOutcome;
import dev.clearclip.inference.ImageSegmenter;

import java.util.ArrayList;
import java.util.List;

/**
 * Segments a batch so that one bad image never costs the batch: the segmenter reports bad images as failed
 * outcomes, but should it throw anyway, the batch is redone one image at a time and only the culprit fails.
 */
public final class SafeSegmentation {

    private SafeSegmentation() {
    }

    public static List<ImageOutcome> segment(ImageSegmenter segmenter, List<ImageInput> batch) {
        try {
            List<ImageOutcome> out = segmenter.segment(batch);
            if (out.size() != batch.size()) {
                throw new IllegalStateException("segmenter returned " + out.size() + " outcomes for " + batch.size()
                        + " images");
            }
            return out;
        } catch (RuntimeException | OutOfMemoryError e) {
            if (batch.size() == 1) {
                return List.of(ImageOutcome.failed(batch.get(0).uri(), -1, -1, "engine error: " + describe(e)));
            }
            List<ImageOutcome> out = new ArrayList<>(batch.size());
            for (ImageInput image : batch) {
                out.addAll(segment(segmenter, List.of(image)));
            }
            return out;
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
