package dev.clearclip.model;

/** Which last vision block produces the dense features (the methods, and the variants compared in the ClearCLIP paper). */
public enum LastBlockVariant {
    /** ClearCLIP: self-self (q-q) attention, no residual, no FFN. */
    CLEARCLIP,
    /** vanilla CLIP: the standard residual block. */
    VANILLA,
    /** SCLIP (official): x + out_proj((softmax(q q^T) + softmax(k k^T)) v), then + FFN; the softmaxes are summed. */
    SCLIP,
    /** NACLIP: softmax(k k^T + Gaussian neighbourhood bias) attention, no residual, no FFN. */
    NACLIP,
    /** Ablation: SCLIP's two softmaxes without residual and FFN (NACLIP's arch "reduced" with attention "csa"). */
    CSA_REDUCED,
    /** MaskCLIP: the value path only (v, then out_proj), no residual, no FFN. */
    MASKCLIP,
    /**
     * SC-CLIP: more than a last block (see ScclipTail): LOF outlier patches repaired after block L-2, the last
     * block's attention mixed with a mid-layer similarity map, multi-level fusion; the output has no CLS row.
     */
    SCCLIP;

    /** NACLIP's default standard deviation of its neighbourhood bias, in patches. */
    public static final double DEFAULT_GAUSSIAN_STD = 5.0;
    /** The largest NACLIP neighbourhood bias one patch grid may take, (1 + Hp Wp)^2 fp32 values. */
    public static final long NACLIP_BIAS_MAX_BYTES = 1L << 30;

    public static LastBlockVariant parse(String text) {
        return EnumLabels.parse(LastBlockVariant.class, "attention", text.replace('-', '_'));
    }

    /** The flag spelling: lower case, {@code -} between words. */
    public String label() {
        return EnumLabels.label(this).replace('_', '-');
    }
}
