package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * SCLIP's last block as its official code computes it: {@code x + out_proj((softmax(q q^T s) + softmax(k k^T s)) v)}
 * on {@code ln_1(x)}, then {@code + mlp(ln_2(.))}. The residual and the FFN are kept and the two softmaxes are summed
 * (each row of weights sums to 2), not averaged.
 */
final class SclipBlock implements LastBlock {
    private final LayerNormParams ln1;
    private final LayerNormParams ln2;
    private final NDArray inProjWeight;
    private final NDArray inProjBias;
    private final NDArray outProjWeight;
    private final NDArray outProjBias;
    private final Mlp mlp;
    private final int heads;
    private final MixedPrecision mp;
    private final Kernels kernels;

    SclipBlock(ParameterLoader p, String prefix, int heads, MixedPrecision mp, Kernels kernels) {
        this.mp = mp;
        this.kernels = kernels;
        float eps = p.config().layerNormEps();
        this.ln1 = LayerNormParams.load(p, prefix + "ln_1", eps);
        this.ln2 = LayerNormParams.load(p, prefix + "ln_2", eps);
        this.inProjWeight = mp.weight(p.array(prefix + "attn.in_proj_weight"));
        this.inProjBias = mp.weight(p.array(prefix + "attn.in_proj_bias"));
        this.outProjWeight = mp.weight(p.array(prefix + "attn.out_proj.weight"));
        this.outProjBias = mp.weight(p.array(prefix + "attn.out_proj.bias"));
        this.mlp = new Mlp(p, prefix, mp, kernels);
        this.heads = heads;
    }

    @Override
    public NDArray forward(NDArray x, int gridH, int gridW) {
        return Heads.scoped(x, in -> {
            NDList qkv = kernels.linear(mp.compute(ln1.apply(in)), inProjWeight, inProjBias).split(3, 2);
            NDArray q = Heads.split(qkv.get(0), heads); // (B, H, L, D)
            NDArray k = Heads.split(qkv.get(1), heads);
            NDArray v = Heads.split(qkv.get(2), heads);
            NDArray o = kernels.attention(q, q, v).add(kernels.attention(k, k, v)); // (B, H, L, D)
            NDArray h = kernels.linearAdd(Heads.merge(o), outProjWeight, outProjBias, in);
            return mlp.addTo(h, mp.compute(ln2.apply(h)));
        });
    }
}
