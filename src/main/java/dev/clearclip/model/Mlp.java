package dev.clearclip.model;

import dev.clearclip.weights.ClipConfig;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** A block's feed-forward part: {@code c_proj(act(c_fc(h)))}, on compute-dtype activations. */
final class Mlp {
    private final NDArray fcWeight;
    private final NDArray fcBias;
    private final NDArray projWeight;
    private final NDArray projBias;
    private final ClipConfig.Activation activation;
    private final Kernels kernels;

    Mlp(ParameterLoader p, String prefix, MixedPrecision mp, Kernels kernels) {
        this.kernels = kernels;
        this.fcWeight = mp.weight(p.array(prefix + "mlp.c_fc.weight"));
        this.fcBias = mp.weight(p.array(prefix + "mlp.c_fc.bias"));
        this.projWeight = mp.weight(p.array(prefix + "mlp.c_proj.weight"));
        this.projBias = mp.weight(p.array(prefix + "mlp.c_proj.bias"));
        this.activation = p.config().activation();
    }

    NDArray apply(NDArray h) {
        NDArray hidden = kernels.linear(h, fcWeight, fcBias);
        hidden = switch (activation) {
            case QUICK_GELU -> hidden.mul(Activation.sigmoid(hidden.mul(1.702f)));
            case GELU -> Activation.gelu(hidden);
        };
        return kernels.linear(hidden, projWeight, projBias);
    }
}
