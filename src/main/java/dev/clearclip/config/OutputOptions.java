package dev.clearclip.config;

import java.io.Serializable;

/**
 * What is produced per image besides the label map and class statistics.
 *
 * @param pseudoLabelThreshold pixels whose confidence is below this get {@code ignoreIndex}; null = off
 */
public record OutputOptions(boolean confidencePng, boolean rle, Double pseudoLabelThreshold, int ignoreIndex)
        implements Serializable {

    public static OutputOptions defaults() {
        return new OutputOptions(false, false, null, 255);
    }

    public OutputOptions {
        if (pseudoLabelThreshold != null && !(pseudoLabelThreshold >= 0 && pseudoLabelThreshold <= 1)) {
            throw new IllegalArgumentException("pseudo-label threshold must be in [0, 1], got " + pseudoLabelThreshold);
        }
        if (ignoreIndex < 0 || ignoreIndex > 65535) {
            throw new IllegalArgumentException("ignore index must be in [0, 65535], got " + ignoreIndex);
        }
    }
}
