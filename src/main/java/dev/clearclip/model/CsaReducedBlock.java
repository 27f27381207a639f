package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * SCLIP's correlative self-attention in a reduced block (an ablation, NACLIP's {@code --arch reduced --attn csa}):
 * {@code out_proj((softmax(q q^T s) + softmax(k k^T s)) v)} on {@code ln_1(x)}, no residual, no MLP. Not what SCLIP
 * computes: its last block keeps both ({@link SclipBlock}).
 */
final class CsaReducedBlock implements LastBlock {
    private final LayerNormParams ln1;
    private final NDArray inProjWeight;
    private final NDArray inProjBias;
    private final NDArray outProjWeight;
    private final NDArray outProjBias;
    private final int heads;
    private final MixedPrecision mp;
    private final Kernels kernels;

    CsaReducedBlock(ParameterLoader p, String prefix, int heads, MixedPrecision mp, Kernels kernels) {
        this.mp = mp;
        this.kernels = kernels;
        this.ln1 = LayerNormParams.load(p, prefix + "ln_1", p.config().layerNormEps());
        this.inProjWeight = mp.weight(p.array(prefix + "attn.in_proj_weight"));
        this.inProjBias = mp.weight(p.array(prefix + "attn.in_proj_bias"));
        this.outProjWeight = mp.weight(p.array(prefix + "attn.out_proj.weight"));
        this.outProjBias = mp.weight(p.array(prefix + "attn.out_proj.bias"));
        this.heads = heads;
    }

    @Override
    public NDArray forward(NDArray x, int gridH, int gridW) {
        return Heads.scoped(x, in -> {
            NDList qkv = kernels.linear(mp.compute(ln1.apply(in)), inProjWeight, inProjBias).split(3, 2);
            NDArray q = Heads.split(qkv.get(0), heads); // (B, H, L, D)
            NDArray k = Heads.split(qkv.get(1), heads);
            NDArray v = Heads.split(qkv.get(2), heads);
            // (softmax(q q^T s) + softmax(k k^T s)) v, as two attentions over the same values
            NDArray o = kernels.attention(q, q, v).add(kernels.attention(k, k, v));
            return mp.fp32(kernels.linear(Heads.merge(o), outProjWeight, outProjBias));
        });
    }
}
