package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * SC-CLIP's anomaly-token detector as its official {@code lof_pytorch} computes it (clip/model.py:208-227), for a
 * batch of windows at once. Quirks kept so the outlier sets match: distances are SQUARED Euclidean, and the reach
 * distance of i to a neighbour j is {@code max(d_ij, kdist_i)} with i's OWN k-distance (standard LOF takes j's), so
 * it is always {@code kdist_i}: {@code LRD_i = k / kdist_i} and {@code LOF_i = mean_{j in kNN(i)} LRD_j / LRD_i}.
 * Runs in fp64 whatever the encoder's precision, so these discrete decisions never see bf16 rounding.
 * {@link Correction#LOF} computes the textbook LOF instead (see {@link #textbookScores}).
 */
final class LocalOutlierFactor {
    static final int NEIGHBOURS = 30;
    static final double CONTAMINATION = 0.05;

    private LocalOutlierFactor() {
    }

    /** tokens (B, N, W) -> LOF scores (B, N), float64: the textbook's if {@code textbook}, else the official's. */
    static NDArray scores(NDArray tokens, boolean textbook) {
        return textbook ? textbookScores(tokens) : scores(tokens);
    }

    /** tokens (B, N, W) -> the official LOF scores (B, N), float64. */
    static NDArray scores(NDArray tokens) {
        NDArray d = squaredDistances(tokens); // (B, N, N)
        NDList nearest = d.topK(NEIGHBOURS + 1, 2, false, true); // ascending; column 0 is the point itself
        NDArray kdist = nearest.get(0).get(":, :, -1"); // (B, N)
        NDArray knn = nearest.get(1).get(":, :, 1:"); // (B, N, k)
        NDArray lrd = kdist.pow(-1).muli(NEIGHBOURS); // (B, N)
        return ofNeighbours(lrd, knn).mean(new int[] {2}).div(lrd);
    }

    /**
     * Textbook LOF (Breunig et al. 2000, as scikit-learn's {@code LocalOutlierFactor} computes it): Euclidean
     * distances, {@code reach(i, j) = max(d_ij, kdist_j)}, {@code LRD_i = 1 / (mean_{j in kNN(i)} reach(i, j) + 1e-10)}
     * (scikit-learn's guard against duplicates), {@code LOF_i = mean_j LRD_j / LRD_i}. The same neighbours as the
     * official scores (the square root keeps the order).
     */
    static NDArray textbookScores(NDArray tokens) {
        NDArray d = squaredDistances(tokens).sqrt(); // (B, N, N)
        NDList nearest = d.topK(NEIGHBOURS + 1, 2, false, true);
        NDArray dist = nearest.get(0).get(":, :, 1:"); // (B, N, k): d_ij for j in kNN(i)
        NDArray knn = nearest.get(1).get(":, :, 1:");
        NDArray kdist = nearest.get(0).get(":, :, -1"); // (B, N)
        NDArray kdistOfNeighbours = ofNeighbours(kdist, knn); // (B, N, k)
        NDArray lrd = dist.maximum(kdistOfNeighbours).mean(new int[] {2}).add(1e-10).pow(-1); // (B, N)
        return ofNeighbours(lrd, knn).mean(new int[] {2}).div(lrd);
    }

    /** values (B, N) -> values of each point's neighbours (B, N, k). */
    private static NDArray ofNeighbours(NDArray values, NDArray knn) {
        long n = values.getShape().get(1);
        return values.expandDims(1).broadcast(values.getShape().get(0), n, n).gather(knn, 2);
    }

    /** tokens (B, N, W) -> squared Euclidean distances (B, N, N), float64. */
    private static NDArray squaredDistances(NDArray tokens) {
        long n = tokens.getShape().get(1);
        if (n <= NEIGHBOURS) {
            throw new IllegalArgumentException("SC-CLIP's outlier detection compares each patch with its " + NEIGHBOURS
                    + " nearest patches: a window needs more than " + NEIGHBOURS + " patches, got " + n);
        }
        NDArray x = tokens.toType(DataType.FLOAT64, false); // (B, N, W)
        NDArray sq = x.square().sum(new int[] {2}, true); // (B, N, 1)
        // ||a||^2 + ||b||^2 - 2 a.b in fp64: O(N^2) memory instead of the official (N, N, W) differences
        return sq.add(sq.transpose(0, 2, 1)).sub(x.matMul(x.transpose(0, 2, 1)).muli(2)).maximum(0);
    }

    /** scores (B, N) -> outlier mask (B, N): strictly above the window's threshold (ties stay inliers). */
    static NDArray outliers(NDArray scores) {
        return scores.gt(threshold(scores));
    }

    /**
     * The {@code 1 - contamination} quantile of each window's scores (B, 1), linearly interpolated between the
     * sorted scores as {@code torch.quantile} does.
     */
    static NDArray threshold(NDArray scores) {
        long n = scores.getShape().get(1);
        double pos = (1 - CONTAMINATION) * (n - 1);
        long lo = (long) Math.floor(pos);
        long hi = Math.min(lo + 1, n - 1);
        NDArray sorted = scores.sort(1); // (B, N)
        NDArray below = sorted.get(":, {}:{}", lo, lo + 1); // (B, 1)
        NDArray above = sorted.get(":, {}:{}", hi, hi + 1);
        return below.add(above.sub(below).muli(pos - lo));
    }
}
