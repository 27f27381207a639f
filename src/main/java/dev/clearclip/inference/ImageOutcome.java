package dev.clearclip.inference;

import java.io.Serializable;
import java.util.List;

/**
 * What became of one input image: either masks for every vocabulary, or an error that names the problem and says
 * whose fault it is. Width and height are the decoded original size, or -1 when the image could not be decoded.
 */
public record ImageOutcome(String uri, int width, int height, String error, List<VocabularyMask> masks,
                           Failure failure) implements Serializable {

    /** Whose fault an error is: the input's (permanent) or the reading's or the engine's (transient). */
    public enum Failure {
        NONE,
        /** Bad bytes, too large, an unusable id: fails the same way every time. */
        INPUT,
        /** I/O, throttling, credentials: the image may well be fine. */
        READ,
        /** libtorch, CUDA, memory: the image may well be fine, the engine may be broken. */
        ENGINE
    }

    public ImageOutcome {
        if ((error == null) != (failure == Failure.NONE)) {
            throw new IllegalArgumentException("an outcome has an error exactly when it has a failure kind");
        }
    }

    public static ImageOutcome segmented(String uri, int width, int height, List<VocabularyMask> masks) {
        return new ImageOutcome(uri, width, height, null, masks, Failure.NONE);
    }

    /** The input itself is bad (not an image, too large, truncated, an id that cannot be a name): done, with an error. */
    public static ImageOutcome failed(String uri, int width, int height, String error) {
        return failed(uri, width, height, error, Failure.INPUT);
    }

    public static ImageOutcome failed(String uri, int width, int height, String error, Failure failure) {
        return new ImageOutcome(uri, width, height, error, List.of(), failure);
    }

    public boolean ok() {
        return error == null;
    }

    /** Worth trying again: the read or the engine failed, not the image. */
    public boolean transientError() {
        return failure == Failure.READ || failure == Failure.ENGINE;
    }
}
