package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.function.UnaryOperator;

/** Small tensor helpers shared by the blocks. */
final class Heads {
    private Heads() {
    }

    /** (B, L, W) -> (B, H, L, D). */
    static NDArray split(NDArray x, int heads) {
        Shape s = x.getShape();
        long b = s.get(0), l = s.get(1), w = s.get(2);
        return x.reshape(b, l, heads, w / heads).transpose(0, 2, 1, 3);
    }

    /** (B, H, L, D) -> (B, L, W). */
    static NDArray merge(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    /** softmax(a b^T * scale + mask) over the last axis; a, b (B, H, L, D); a mask only with fp32 (the text tower). */
    static NDArray attentionWeights(NDArray a, NDArray b, float scale, NDArray mask, MixedPrecision mp) {
        if (mask == null && mp.scalesQueries()) {
            return mp.softmax(a.mul(scale).matMul(b.transpose(0, 1, 3, 2)));
        }
        NDArray scores = a.matMul(b.transpose(0, 1, 3, 2)); // (B, H, L, L)
        if (mask != null) {
            return scores.muli(scale).addi(mask).softmax(-1);
        }
        return mp.scaledSoftmax(scores, scale);
    }

    /**
     * Runs {@code body} with its intermediates in a scope freed on return, so a deep stack of blocks never holds
     * more than one block's activations; only the result survives, in the input's manager.
     */
    static NDArray scoped(NDArray input, UnaryOperator<NDArray> body) {
        NDManager parent = input.getManager();
        try (NDManager scope = parent.newSubManager()) {
            input.tempAttach(scope);
            NDArray out = body.apply(input);
            out.attach(parent);
            return out;
        }
    }
}
