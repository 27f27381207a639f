package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * SC-CLIP's last-block attention ({@code custom_attn}, clip/model.py:318-341), used twice per window:
 * {@code out_proj(((S + softmax(k k^T s)) / 2) v)} on {@code ln_1(x)}, where S is the mid-layer similarity map shared
 * by every head; no residual, no FFN. Only the k and v rows of {@code in_proj} are kept (the official code computes q
 * and drops it).
 */
final class ScclipAttention {
    private final LayerNormParams ln1;
    private final NDArray kvWeight;
    private final NDArray kvBias;
    private final NDArray outProjWeight;
    private final NDArray outProjBias;
    private final int heads;
    private final MixedPrecision mp;
    private final Kernels kernels;

    ScclipAttention(ParameterLoader p, String prefix, int heads, MixedPrecision mp, Kernels kernels) {
        this.mp = mp;
        this.kernels = kernels;
        int w = p.config().vision().width();
        this.ln1 = LayerNormParams.load(p, prefix + "ln_1", p.config().layerNormEps());
        this.kvWeight = mp.weight(p.rows(prefix + "attn.in_proj_weight", w, 3 * w));
        this.kvBias = mp.weight(p.rows(prefix + "attn.in_proj_bias", w, 3 * w));
        this.outProjWeight = mp.weight(p.array(prefix + "attn.out_proj.weight"));
        this.outProjBias = mp.weight(p.array(prefix + "attn.out_proj.bias"));
        this.heads = heads;
    }

    /**
     * The similarity branch's weights: softmax over keys of {@code 3 (mid - mean(mid))} with the entries below the
     * window's mean (the mean over all N^2 entries, diagonal included) excluded. mid (B, N, N) -> (B, 1, N, N), fp32.
     */
    static NDArray similarityWeights(NDArray mid) {
        long b = mid.getShape().get(0);
        NDArray mean = mid.reshape(b, -1).mean(new int[] {1}, true).reshape(b, 1, 1);
        NDArray m = mid.sub(mean).muli(3); // (B, N, N)
        NDArray excluded = m.getManager().full(m.getShape(), Float.NEGATIVE_INFINITY);
        return NDArrays.where(m.lt(0), excluded, m).softmax(-1).expandDims(1);
    }

    /** x (B, N, W) fp32, weights (B, 1, N, N) fp32 -> (B, N, W) fp32. */
    NDArray forward(NDArray x, NDArray weights) {
        NDList kv = kernels.linear(mp.compute(ln1.apply(x)), kvWeight, kvBias).split(2, 2);
        NDArray k = Heads.split(kv.get(0), heads); // (B, H, N, D)
        NDArray v = Heads.split(kv.get(1), heads);
        float scale = (float) Math.pow(k.getShape().get(3), -0.5);
        NDArray keyKey = Heads.attentionWeights(k, k, scale, null, mp); // (B, H, N, N), compute dtype
        NDArray attn = keyKey.add(mp.compute(weights)).muli(0.5f); // (B, H, N, N)
        return mp.fp32(kernels.linear(Heads.merge(attn.matMul(v)), outProjWeight, outProjBias));
    }
}
