package dev.clearclip.model;

/** Which kernels run the image encoder's linear layers and attention. */
public enum KernelChoice {
    /** libtorch's fused kernels (oneDNN linear on CPU, scaled-dot-product attention) where it has them, else eager. */
    AUTO,
    /** DJL's plain ops only: the reference for side-by-side comparisons. */
    EAGER;

    public static KernelChoice parse(String text) {
        return EnumLabels.parse(KernelChoice.class, "kernels", text);
    }

    public String label() {
        return EnumLabels.label(this);
    }
}
