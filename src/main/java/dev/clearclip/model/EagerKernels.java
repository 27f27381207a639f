package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/** DJL's own ops: aten::linear, and attention as matmul, softmax, matmul with the (B, H, L, L) scores in memory. */
final class EagerKernels implements Kernels {
    private final MixedPrecision mp;

    EagerKernels(MixedPrecision mp) {
        this.mp = mp;
    }

    @Override
    public NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }

    @Override
    public NDArray attention(NDArray q, NDArray k, NDArray v) {
        float scale = (float) Math.pow(q.getShape().get(3), -0.5);
        return Heads.attentionWeights(q, k, scale, null, mp).matMul(v);
    }

    @Override
    public String describe() {
        return "eager";
    }

    @Override
    public void close() {
    }
}
