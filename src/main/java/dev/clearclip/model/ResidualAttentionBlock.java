package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** The standard pre-LN CLIP block: {@code x + attn(ln_1(x))}, then {@code + mlp(ln_2(.))}. Also vanilla CLIP's last block. */
final class ResidualAttentionBlock implements LastBlock {
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

    ResidualAttentionBlock(ParameterLoader p, String prefix, int heads, MixedPrecision mp, Kernels kernels) {
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
        return forward(x);
    }

    NDArray forward(NDArray x) {
        return forward(x, null);
    }

    /** x (B, L, W); mask (L, L) additive or null. */
    NDArray forward(NDArray x, NDArray mask) {
        return Heads.scoped(x, in -> {
            NDArray h = attentionAddedTo(in, mp.compute(ln1.apply(in)), mask);
            return mlp.addTo(h, mp.compute(ln2.apply(h)));
        });
    }

    /** residual + out_proj(attention(h)), in the residual's dtype. */
    private NDArray attentionAddedTo(NDArray residual, NDArray h, NDArray mask) {
        NDList qkv = kernels.linear(h, inProjWeight, inProjBias).split(3, 2); // 3 x (B, L, W)
        NDArray q = Heads.split(qkv.get(0), heads);
        NDArray k = Heads.split(qkv.get(1), heads);
        NDArray v = Heads.split(qkv.get(2), heads); // (B, H, L, D)
        NDArray o; // (B, H, L, D)
        if (mask == null) {
            o = kernels.attention(q, k, v);
        } else {
            float scale = (float) Math.pow(q.getShape().get(3), -0.5);
            o = Heads.attentionWeights(q, k, scale, mask, mp).matMul(v);
        }
        return kernels.linearAdd(Heads.merge(o), outProjWeight, outProjBias, residual);
    }
}
