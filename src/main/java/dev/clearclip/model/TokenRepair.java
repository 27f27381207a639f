package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * SC-CLIP's {@code mean_interpolation} (clip/model.py:348-373), batched: every outlier token becomes the mean of its
 * non-outlier 8-neighbours on the patch grid (outside the grid counts as missing), all outliers replaced at once from
 * the original values; an outlier without such a neighbour keeps its value. The official code places token i at
 * {@code (i // rows, i % rows)}, which is the row-major position only on the square windows it runs on; here it is
 * always the row-major one, the same there and meaningful on non-square grids (where the official code fails).
 */
final class TokenRepair {
    private static final float[] RING = {1, 1, 1, 1, 0, 1, 1, 1, 1};

    private TokenRepair() {
    }

    /** tokens (B, N, W) fp32, keep (B, N) 1 = inlier / 0 = outlier, N = gridH * gridW row-major -> (B, N, W). */
    static NDArray apply(NDArray tokens, NDArray keep, int gridH, int gridW) {
        Shape s = tokens.getShape();
        long b = s.get(0);
        long w = s.get(2);
        NDArray ring = tokens.getManager().create(RING, new Shape(1, 1, 3, 3));
        NDArray inliers = keep.toType(DataType.FLOAT32, false).reshape(b, 1, gridH, gridW);
        NDArray grid = tokens.transpose(0, 2, 1).reshape(b, w, gridH, gridW); // (B, W, h, w)
        NDArray sums = neighbourSum(grid.mul(inliers).reshape(b * w, 1, gridH, gridW), ring)
                .reshape(b, w, gridH, gridW);
        NDArray counts = neighbourSum(inliers, ring); // (B, 1, h, w)
        NDArray replace = inliers.neg().addi(1).muli(counts.gt(0).toType(DataType.FLOAT32, false)); // (B, 1, h, w)
        NDArray means = sums.div(counts.maximum(1));
        NDArray repaired = grid.mul(replace.neg().addi(1)).addi(means.muli(replace)); // (B, W, h, w)
        return repaired.reshape(b, w, (long) gridH * gridW).transpose(0, 2, 1);
    }

    /** Sum over the 8 neighbours, zero padding: (C, 1, h, w) -> (C, 1, h, w). */
    private static NDArray neighbourSum(NDArray maps, NDArray ring) {
        return Conv2d.conv2d(maps, ring, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
    }
}
