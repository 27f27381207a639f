package dev.clearclip.model;

/** Which last vision block produces the dense features (the variants compared in the ClearCLIP paper). */
public enum LastBlockVariant {
    /** ClearCLIP: self-self (q-q) attention, no residual, no FFN. */
    CLEARCLIP,
    /** vanilla CLIP: the standard residual block. */
    VANILLA,
    /** SCLIP: softmax(q q^T) + softmax(k k^T), no residual, no FFN. */
    SCLIP,
    /** MaskCLIP: the value path only (v, then out_proj), no residual, no FFN. */
    MASKCLIP;

    public static LastBlockVariant parse(String text) {
        return EnumLabels.parse(LastBlockVariant.class, "attention", text);
    }

    public String label() {
        return EnumLabels.label(this);
    }
}
