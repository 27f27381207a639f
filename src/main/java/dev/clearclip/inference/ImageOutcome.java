package dev.clearclip.inference;

import java.io.Serializable;
import java.util.List;

/**
 * What became of one input image: either masks for every vocabulary, or an error that names the problem.
 * Width and height are the decoded original size, or -1 when the image could not be decoded.
 */
public record ImageOutcome(String uri, int width, int height, String error, List<VocabularyMask> masks)
        implements Serializable {

    public static ImageOutcome failed(String uri, int width, int height, String error) {
        return new ImageOutcome(uri, width, height, error, List.of());
    }

    public boolean ok() {
        return error == null;
    }
}
