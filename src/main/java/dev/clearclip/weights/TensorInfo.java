package dev.clearclip.weights;

import java.util.Arrays;

/** One header entry of a safetensors file; {@code begin}/{@code end} are absolute byte positions in the file. */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }
}
