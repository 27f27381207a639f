package dev.clearclip.model;

import dev.clearclip.weights.ClipConfig;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clearclip.weights.ClipCheckpoint;
import dev.clearclip.weights.Tensor;

/** Copies checkpoint tensors into the model's long-lived NDManager (on the model's device). */
final class ParameterLoader {
    private final ClipCheckpoint checkpoint;
    private final NDManager manager;

    ParameterLoader(ClipCheckpoint checkpoint, NDManager manager) {
        this.checkpoint = checkpoint;
        this.manager = manager;
    }

    NDArray array(String name) {
        Tensor t = checkpoint.require(name);
        return manager.create(t.data(), new Shape(t.shape()));
    }

    /** Rows {@code [from, to)} of a 1-D or 2-D parameter (used to keep only q and v of a fused in_proj). */
    NDArray rows(String name, int from, int to) {
        Tensor t = checkpoint.require(name);
        long cols = t.shape().length == 2 ? t.shape()[1] : 1;
        float[] part = java.util.Arrays.copyOfRange(t.data(), (int) (from * cols), (int) (to * cols));
        Shape shape = t.shape().length == 2 ? new Shape(to - from, cols) : new Shape(to - from);
        return manager.create(part, shape);
    }

    /** A 2-D parameter transposed into a contiguous array (a (in, out) projection as a linear layer's weight). */
    NDArray transposed(String name) {
        Tensor t = checkpoint.require(name);
        if (t.shape().length != 2) {
            throw new IllegalArgumentException(name + " has shape " + new Shape(t.shape()) + ", expected 2-D");
        }
        int rows = Math.toIntExact(t.shape()[0]);
        int cols = Math.toIntExact(t.shape()[1]);
        float[] data = t.data();
        float[] out = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = data[r * cols + c];
            }
        }
        return manager.create(out, new Shape(cols, rows));
    }

    NDManager manager() {
        return manager;
    }

    ClipConfig config() {
        return checkpoint.config();
    }
}
