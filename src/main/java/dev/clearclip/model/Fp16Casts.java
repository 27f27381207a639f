package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** fp16 matmuls for GPUs; DJL handles FLOAT16 natively, so plain casts suffice. */
final class Fp16Casts implements MixedPrecision {

    @Override
    public NDArray weight(NDArray fp32) {
        NDArray half = fp32.toType(DataType.FLOAT16, false);
        fp32.close();
        return half;
    }

    @Override
    public NDArray compute(NDArray x) {
        return x.toType(DataType.FLOAT16, false);
    }

    @Override
    public NDArray fp32(NDArray x) {
        return x.toType(DataType.FLOAT32, false);
    }

    @Override
    public NDArray scaledSoftmax(NDArray scores, float scale) {
        return scores.toType(DataType.FLOAT32, false).muli(scale).softmax(-1).toType(DataType.FLOAT16, false);
    }

    @Override
    public void close() {
    }
}
