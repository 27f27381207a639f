package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * NACLIP's last block (arch "reduced", attention "naclip"): {@code out_proj(softmax(k k^T s + Omega) v)} on
 * {@code ln_1(x)}, and nothing else: no residual, no {@code ln_2}/MLP. Omega is the Gaussian neighbourhood bias of
 * the patch grid ({@link NeighbourhoodBias}); the CLS token attends by {@code k k^T} alone. Only the k and v rows of
 * {@code in_proj} are kept (the official code computes q and drops it).
 */
final class NaclipBlock implements LastBlock {
    private final LayerNormParams ln1;
    private final NDArray kvWeight;
    private final NDArray kvBias;
    private final NDArray outProjWeight;
    private final NDArray outProjBias;
    private final NeighbourhoodBias bias;
    private final int heads;
    private final MixedPrecision mp;
    private final Kernels kernels;

    NaclipBlock(ParameterLoader p, String prefix, int heads, double gaussianStd, MixedPrecision mp, Kernels kernels) {
        this.mp = mp;
        this.kernels = kernels;
        int w = p.config().vision().width();
        this.ln1 = LayerNormParams.load(p, prefix + "ln_1", p.config().layerNormEps());
        this.kvWeight = mp.weight(p.rows(prefix + "attn.in_proj_weight", w, 3 * w));
        this.kvBias = mp.weight(p.rows(prefix + "attn.in_proj_bias", w, 3 * w));
        this.outProjWeight = mp.weight(p.array(prefix + "attn.out_proj.weight"));
        this.outProjBias = mp.weight(p.array(prefix + "attn.out_proj.bias"));
        this.bias = new NeighbourhoodBias(gaussianStd, p.manager());
        this.heads = heads;
    }

    @Override
    public NDArray forward(NDArray x, int gridH, int gridW) {
        NDArray omega = bias.forGrid(gridH, gridW); // (L, L)
        return Heads.scoped(x, in -> {
            NDList kv = kernels.linear(mp.compute(ln1.apply(in)), kvWeight, kvBias).split(2, 2);
            NDArray k = Heads.split(kv.get(0), heads); // (B, H, L, D)
            NDArray v = Heads.split(kv.get(1), heads);
            float scale = (float) Math.pow(k.getShape().get(3), -0.5);
            NDArray scores = mp.fp32(k.matMul(k.transpose(0, 1, 3, 2))); // (B, H, L, L), the bias is added in fp32
            NDArray weights = scores.muli(scale).addi(omega).softmax(-1);
            NDArray o = mp.compute(weights).matMul(v); // (B, H, L, D)
            return mp.fp32(kernels.linear(Heads.merge(o), outProjWeight, outProjBias));
        });
    }
}
