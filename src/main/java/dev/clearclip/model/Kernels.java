package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/**
 * Where the image encoder's two hot ops run: linear layers and attention. {@link KernelChoice#AUTO} takes libtorch's fused
 * kernels ({@link FusedKernels}) and {@link KernelChoice#EAGER} DJL's plain ops; the results agree to float rounding.
 */
interface Kernels extends AutoCloseable {

    /** x (..., in) times weight (out, in) transposed, plus bias (out) unless it is null. */
    NDArray linear(NDArray x, NDArray weight, NDArray bias);

    /** swish(linear(x, weight, bias)), i.e. u * sigmoid(u): QuickGELU with CLIP's 1.702 folded into the weights. */
    default NDArray linearSwish(NDArray x, NDArray weight, NDArray bias) {
        NDArray u = linear(x, weight, bias);
        return u.mul(Activation.sigmoid(u));
    }

    /** residual + linear(x, weight, bias), in the residual's dtype (x may be in a narrower compute dtype). */
    default NDArray linearAdd(NDArray x, NDArray weight, NDArray bias, NDArray residual) {
        return residual.add(linear(x, weight, bias)); // libtorch promotes a bf16 right side in the same kernel
    }

    /** softmax(q k^T / sqrt(D)) v over the last axis; q, k, v (B, H, L, D), any strides. */
    NDArray attention(NDArray q, NDArray k, NDArray v);

    /** What runs, for logs and benchmark lines. */
    String describe();

    @Override
    void close();

    static Kernels create(KernelChoice choice, MixedPrecision mp, NDManager weights) {
        Kernels eager = new EagerKernels(mp);
        return choice == KernelChoice.AUTO ? FusedKernels.loadOr(eager, weights) : eager;
    }
}
