package dev.clearclip.weights;

import java.util.Arrays;

/** A float32 tensor on the Java heap, as read from a checkpoint (any F16/BF16 data already widened). */
public record Tensor(long[] shape, float[] data) {
    public Tensor {
        long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + data.length);
        }
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }
}
