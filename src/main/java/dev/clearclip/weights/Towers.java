package dev.clearclip.weights;

/** Which encoders to read: executors that only embed images load {@link #VISION} and skip the text tower's bytes. */
public enum Towers {
    VISION,
    TEXT,
    BOTH;

    /** Whether a canonical parameter name belongs to the selected towers ({@code logit_scale} counts as text). */
    public boolean includes(String canonicalName) {
        boolean vision = canonicalName.startsWith("visual.");
        return this == BOTH || (this == VISION) == vision;
    }
}
