package dev.clearclip.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** SC-CLIP's discrete steps on hand-made inputs, against plain-Java versions of the official formulas. */
class ScclipStepsTest {

    @Test
    void repairTakesTheMeanOfInlierNeighboursOnARowMajorGrid() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // a 2 x 3 grid, one channel: 0 1 2 / 3 4 5; outliers 4 and 5
            NDArray tokens = m.create(new float[] {0, 1, 2, 3, 4, 5}, new Shape(1, 6, 1));
            NDArray keep = m.create(new float[] {1, 1, 1, 1, 0, 0}, new Shape(1, 6));
            float[] out = TokenRepair.apply(tokens, keep, 2, 3).toFloatArray();
            // 4: inlier neighbours 0 1 2 3 (5 is an outlier) -> 1.5; 5: inlier neighbours 1 2 -> 1.5
            assertArrayEquals(new float[] {0, 1, 2, 3, 1.5f, 1.5f}, out);
            NDArray alone = m.create(new float[] {1, 1, 1, 0, 0, 0}, new Shape(1, 6));
            NDArray lonely = m.create(new float[] {0, 0, 0, 0, 0, 0}, new Shape(1, 6));
            assertArrayEquals(new float[] {0, 1, 2, 0.5f, 1, 1.5f}, TokenRepair.apply(tokens, alone, 2, 3).toFloatArray());
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, TokenRepair.apply(tokens, lonely, 2, 3).toFloatArray(),
                    "an outlier without an inlier neighbour keeps its value");
        }
    }

    @Test
    void lofIsTheOfficialFormulaPerWindow() {
        int b = 2;
        int n = 45;
        int w = 6;
        Random r = new Random(7);
        float[] x = new float[b * n * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * (i % 11 == 0 ? 4 : 1));
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray tokens = m.create(x, new Shape(b, n, w));
            NDArray scores = LocalOutlierFactor.scores(tokens);
            double[] got = scores.toDoubleArray();
            boolean[] outliers = LocalOutlierFactor.outliers(scores).toBooleanArray();
            for (int k = 0; k < b; k++) {
                double[] want = officialLof(Arrays.copyOfRange(x, k * n * w, (k + 1) * n * w), n, w);
                for (int i = 0; i < n; i++) {
                    assertEquals(want[i], got[k * n + i], 1e-9 * want[i], "window " + k + " patch " + i);
                }
                double[] sorted = want.clone();
                Arrays.sort(sorted);
                double pos = 0.95 * (n - 1);
                int lo = (int) pos;
                double thr = sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]);
                for (int i = 0; i < n; i++) {
                    assertEquals(want[i] > thr, outliers[k * n + i], "window " + k + " patch " + i);
                }
            }
        }
    }

    /** lof_pytorch in plain Java: squared distances, 30 nearest others, every reach distance = own k-distance. */
    private static double[] officialLof(float[] x, int n, int w) {
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int c = 0; c < w; c++) {
                    double diff = (double) x[i * w + c] - x[j * w + c];
                    s += diff * diff;
                }
                d[i][j] = s;
            }
        }
        int k = LocalOutlierFactor.NEIGHBOURS;
        int[][] knn = new int[n][];
        double[] lrd = new double[n];
        for (int i = 0; i < n; i++) {
            final int row = i;
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (a, c) -> Double.compare(d[row][a], d[row][c]));
            knn[i] = new int[k];
            double reachSum = 0;
            for (int j = 0; j < k; j++) {
                knn[i][j] = order[j + 1];
            }
            double kdist = d[i][order[k]];
            for (int j = 0; j < k; j++) {
                reachSum += Math.max(d[i][knn[i][j]], kdist);
            }
            lrd[i] = k / (reachSum / k);
        }
        double[] lof = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j : knn[i]) {
                s += lrd[j];
            }
            lof[i] = s / k / lrd[i];
        }
        return lof;
    }
}
