package dev.clearclip.inference;

import java.io.Serializable;

/** Per-class statistics of one label map; {@code fraction} is of all pixels, confidence is the mean max-probability. */
public record ClassStats(int classId, String name, long pixels, double fraction, double meanConfidence)
        implements Serializable {
}
