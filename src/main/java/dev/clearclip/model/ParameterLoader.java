package dev.clearclip.model;

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

    NDManager manager() {
        return manager;
    }

    ClipConfig config() {
        return checkpoint.config();
    }
}
