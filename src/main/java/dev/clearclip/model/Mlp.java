package dev.clearclip.model;

import dev.clearclip.weights.ClipConfig;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * A block's feed-forward part, added to the residual: {@code x + c_proj(act(c_fc(h)))}, h in the compute dtype.
 * QuickGELU, {@code u * sigmoid(1.702 u)}, runs as the first linear's swish post-op: with c_fc's weight and bias
 * scaled by 1.702 the linear yields {@code 1.702 u}, whose swish is {@code 1.702 QuickGELU(u)}, and c_proj's weight
 * is divided by 1.702 (all at load, in fp32). The residual add is the second linear's sum post-op.
 */
final class Mlp {
    static final float QUICK_GELU_SCALE = 1.702f;

    private final NDArray fcWeight;
    private final NDArray fcBias;
    private final NDArray projWeight;
    private final NDArray projBias;
    private final ClipConfig.Activation activation;
    private final Kernels kernels;

    Mlp(ParameterLoader p, String prefix, MixedPrecision mp, Kernels kernels) {
        this.kernels = kernels;
        this.activation = p.config().activation();
        NDArray fcW = p.array(prefix + "mlp.c_fc.weight");
        NDArray fcB = p.array(prefix + "mlp.c_fc.bias");
        NDArray projW = p.array(prefix + "mlp.c_proj.weight");
        if (activation == ClipConfig.Activation.QUICK_GELU) {
            fcW = scaled(fcW, QUICK_GELU_SCALE);
            fcB = scaled(fcB, QUICK_GELU_SCALE);
            projW = scaled(projW, 1 / QUICK_GELU_SCALE);
        }
        this.fcWeight = mp.weight(fcW);
        this.fcBias = mp.weight(fcB);
        this.projWeight = mp.weight(projW);
        this.projBias = mp.weight(p.array(prefix + "mlp.c_proj.bias"));
    }

    private static NDArray scaled(NDArray fp32, float factor) {
        NDArray out = fp32.mul(factor);
        fp32.close();
        return out;
    }

    /** residual (B, L, W) + mlp(h), in the residual's dtype. */
    NDArray addTo(NDArray residual, NDArray h) {
        NDArray hidden = switch (activation) {
            case QUICK_GELU -> kernels.linearSwish(h, fcWeight, fcBias);
            case GELU -> Activation.gelu(kernels.linear(h, fcWeight, fcBias));
        };
        return kernels.linearAdd(hidden, projWeight, projBias, residual);
    }
}
