package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * ClearCLIP's last block: {@code out_proj(softmax(q q^T / sqrt(d)) v)} on {@code ln_1(x)}, and nothing else: no residual,
 * no {@code ln_2}/MLP. Only the q and v rows of {@code in_proj} are kept, so k is never computed.
 */
final class ClearClipBlock implements LastBlock {
    private final LayerNormParams ln1;
    private final NDArray qvWeight;
    private final NDArray qvBias;
    private final NDArray outProjWeight;
    private final NDArray outProjBias;
    private final int heads;
    private final MixedPrecision mp;
    private final Kernels kernels;

    ClearClipBlock(ParameterLoader p, String prefix, int heads, MixedPrecision mp, Kernels kernels) {
        this.mp = mp;
        this.kernels = kernels;
        int w = p.config().vision().width();
        this.ln1 = LayerNormParams.load(p, prefix + "ln_1", p.config().layerNormEps());
        NDArray q = p.rows(prefix + "attn.in_proj_weight", 0, w);
        NDArray v = p.rows(prefix + "attn.in_proj_weight", 2 * w, 3 * w);
        this.qvWeight = mp.weight(q.concat(v, 0));
        NDArray qb = p.rows(prefix + "attn.in_proj_bias", 0, w);
        NDArray vb = p.rows(prefix + "attn.in_proj_bias", 2 * w, 3 * w);
        this.qvBias = mp.weight(qb.concat(vb, 0));
        q.close();
        v.close();
        qb.close();
        vb.close();
        this.outProjWeight = mp.weight(p.array(prefix + "attn.out_proj.weight"));
        this.outProjBias = mp.weight(p.array(prefix + "attn.out_proj.bias"));
        this.heads = heads;
    }

    @Override
    public NDArray forward(NDArray x, int gridH, int gridW) {
        return Heads.scoped(x, in -> {
            NDList qv = kernels.linear(mp.compute(ln1.apply(in)), qvWeight, qvBias).split(2, 2);
            NDArray q = Heads.split(qv.get(0), heads); // (B, H, L, D)
            NDArray v = Heads.split(qv.get(1), heads);
            NDArray o = kernels.attention(q, q, v); // (B, H, L, D)
            return mp.fp32(kernels.linear(Heads.merge(o), outProjWeight, outProjBias));
        });
    }
}
