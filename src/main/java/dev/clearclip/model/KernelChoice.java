package dev.clearclip.model;

import java.util.Locale;

/** Which kernels run the image encoder's linear layers and attention. */
public enum KernelChoice {
    /** libtorch's fused kernels (oneDNN linear on CPU, scaled-dot-product attention) where it has them, else eager. */
    AUTO,
    /** DJL's plain ops only: the reference for side-by-side comparisons. */
    EAGER;

    public static KernelChoice parse(String text) {
        for (KernelChoice c : values()) {
            if (c.name().equalsIgnoreCase(text.strip())) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown kernels '" + text + "': expected auto or eager");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
