package dev.clearclip.model;

/** Numeric precision of the image encoder's matrix work; FP32 is the default and the parity path. */
public enum Precision {
    FP32,
    /** bf16 matmuls/convs (AVX512-BF16 CPUs, GPUs); LayerNorm and residual adds stay fp32, softmax accumulates in fp32. */
    BF16,
    /** GPU only: fp16 is several times slower than fp32 on CPUs without AVX512-FP16. */
    FP16;

    public static Precision parse(String text) {
        return EnumLabels.parse(Precision.class, "precision", text);
    }

    public String label() {
        return EnumLabels.label(this);
    }
}
