package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** SC-CLIP's patch affinities: cosine similarity maps and the row-normalised aggregation over them, batched. */
final class Affinity {
    private Affinity() {
    }

    /** tokens (B, N, W) -> cosine similarities (B, N, N). */
    static NDArray cosine(NDArray tokens) {
        NDArray n = tokens.div(tokens.norm(new int[] {-1}, true));
        return n.matMul(n.transpose(0, 2, 1));
    }

    /** Entries below {@code beta} set to 0 (the rest kept as they are). */
    static NDArray keepAbove(NDArray similarity, float beta) {
        return similarity.mul(similarity.gte(beta).toType(DataType.FLOAT32, false));
    }

    /** {@code (C / (rowsum(C) + 1e-6)) @ T} (clip/model.py:343-346): features (B, N, W), corrs (B, N, N) -> (B, N, W). */
    static NDArray aggregate(NDArray features, NDArray corrs) {
        return corrs.div(corrs.sum(new int[] {-1}, true).add(1e-6f)).matMul(features);
    }
}
