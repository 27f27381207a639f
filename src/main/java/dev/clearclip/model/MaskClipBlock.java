package dev.clearclip.model;

import ai.djl.ndarray.NDArray;

/**
 * MaskCLIP's last block (for comparison): attention reduced to the identity, i.e. {@code out_proj(v)} on
 * {@code ln_1(x)}; no residual, no MLP. Only the v rows of {@code in_proj} are kept.
 */
final class MaskClipBlock implements LastBlock {
    private final LayerNormParams ln1;
    private final NDArray vWeight;
    private final NDArray vBias;
    private final NDArray outProjWeight;
    private final NDArray outProjBias;
    private final MixedPrecision mp;
    private final Kernels kernels;

    MaskClipBlock(ParameterLoader p, String prefix, MixedPrecision mp, Kernels kernels) {
        this.mp = mp;
        this.kernels = kernels;
        int w = p.config().vision().width();
        this.ln1 = LayerNormParams.load(p, prefix + "ln_1", p.config().layerNormEps());
        this.vWeight = mp.weight(p.rows(prefix + "attn.in_proj_weight", 2 * w, 3 * w));
        this.vBias = mp.weight(p.rows(prefix + "attn.in_proj_bias", 2 * w, 3 * w));
        this.outProjWeight = mp.weight(p.array(prefix + "attn.out_proj.weight"));
        this.outProjBias = mp.weight(p.array(prefix + "attn.out_proj.bias"));
    }

    @Override
    public NDArray forward(NDArray x, int gridH, int gridW) {
        return Heads.scoped(x, in -> {
            NDArray v = kernels.linear(mp.compute(ln1.apply(in)), vWeight, vBias); // (B, L, W)
            return mp.fp32(kernels.linear(v, outProjWeight, outProjBias));
        });
    }
}
