package dev.clearclip.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Where the image encoder changes dtype, autocast style: weights of matmuls/convs once at load, activations just
 * before a matmul/conv, and back to fp32 for LayerNorm, softmax and residual adds. For fp32 every method is the
 * identity, so the parity path runs exactly the ops it always ran.
 */
interface MixedPrecision extends AutoCloseable {

    /** A matmul/conv weight in the compute dtype; closes {@code fp32} when it converts. */
    NDArray weight(NDArray fp32);

    /** An fp32 activation in the compute dtype, in its own manager. */
    NDArray compute(NDArray x);

    /** A compute-dtype result back in fp32, in its own manager. */
    NDArray fp32(NDArray x);

    /** softmax(scores * scale) over the last axis, returned in the compute dtype. */
    NDArray scaledSoftmax(NDArray scores, float scale);

    /** Whether the scale may be applied to the (L x smaller) left factor instead of the scores, as torch's MHA does. */
    default boolean scalesQueries() {
        return false;
    }

    /** softmax over the last axis of already scaled scores, returned in the compute dtype. */
    default NDArray softmax(NDArray scores) {
        return scaledSoftmax(scores, 1f);
    }

    @Override
    void close();

    static MixedPrecision create(Precision precision, NDManager weights) {
        Device device = weights.getDevice();
        return switch (precision) {
            case FP32 -> Full.INSTANCE;
            case BF16 -> Bf16Casts.load(weights);
            case FP16 -> {
                if (!device.isGpu()) {
                    throw new IllegalArgumentException("--precision fp16 needs a GPU (device is " + device + "): CPUs "
                            + "without AVX512-FP16 run fp16 several times slower than fp32; use bf16 or fp32 on CPU");
                }
                yield new Fp16Casts();
            }
        };
    }

    /** fp32 throughout. */
    enum Full implements MixedPrecision {
        INSTANCE;

        @Override
        public NDArray weight(NDArray fp32) {
            return fp32;
        }

        @Override
        public NDArray compute(NDArray x) {
            return x;
        }

        @Override
        public NDArray fp32(NDArray x) {
            return x;
        }

        @Override
        public NDArray scaledSoftmax(NDArray scores, float scale) {
            return scores.muli(scale).softmax(-1);
        }

        @Override
        public void close() {
        }
    }
}
