package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Where the image encoder's two hot ops run: linear layers and attention. {@link KernelChoice#AUTO} takes libtorch's fused
 * kernels ({@link FusedKernels}) and {@link KernelChoice#EAGER} DJL's plain ops; the results agree to float rounding.
 */
interface Kernels extends AutoCloseable {

    /** x (..., in) times weight (out, in) transposed, plus bias (out) unless it is null. */
    NDArray linear(NDArray x, NDArray weight, NDArray bias);

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
