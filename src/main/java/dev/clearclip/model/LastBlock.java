package dev.clearclip.model;

import ai.djl.ndarray.NDArray;

/**
 * The last vision block, where the dense-feature variants differ: (B, L, W) in, (B, L, W) out, for a
 * {@code gridH x gridW} patch grid (L = 1 + gridH * gridW; NACLIP's neighbourhood bias depends on the grid).
 */
interface LastBlock {
    NDArray forward(NDArray x, int gridH, int gridW);

    static LastBlock create(LastBlockVariant attention, ParameterLoader p, String prefix, int heads, double gaussianStd,
                            MixedPrecision mp, Kernels kernels) {
        return switch (attention) {
            case CLEARCLIP -> new ClearClipBlock(p, prefix, heads, mp, kernels);
            case VANILLA -> new ResidualAttentionBlock(p, prefix, heads, mp, kernels);
            case SCLIP -> new SclipBlock(p, prefix, heads, mp, kernels);
            case NACLIP -> new NaclipBlock(p, prefix, heads, gaussianStd, mp, kernels);
            case CSA_REDUCED -> new CsaReducedBlock(p, prefix, heads, mp, kernels);
            case MASKCLIP -> new MaskClipBlock(p, prefix, mp, kernels);
            case SCCLIP -> throw new IllegalArgumentException("SC-CLIP replaces more than the last block: ScclipTail");
        };
    }
}
