package dev.clearclip.model;

import ai.djl.ndarray.NDArray;

/** The last vision block, where the dense-feature variants differ: (B, L, W) in, (B, L, W) out. */
interface LastBlock {
    NDArray forward(NDArray x);

    static LastBlock create(Attention attention, ParameterLoader p, String prefix, int heads) {
        return switch (attention) {
            case CLEARCLIP -> new ClearClipBlock(p, prefix, heads);
            case VANILLA -> new ResidualAttentionBlock(p, prefix, heads);
            case SCLIP -> new SclipBlock(p, prefix, heads);
            case MASKCLIP -> new MaskClipBlock(p, prefix);
        };
    }
}
