package dev.clearclip.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clearclip.weights.Towers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The corrected behaviours ({@code --corrected}) against plain-Java versions of the textbook formulas. */
class CorrectionsTest {

    @Test
    void correctedLofIsTextbookLofPerWindow() {
        int b = 3;
        int n = 60;
        int w = 5;
        Random r = new Random(11);
        float[] x = new float[b * n * w];
        for (int i = 0; i < x.length; i++) {
            // two clusters of different density: there the two LOFs disagree
            x[i] = (float) ((i / w) % n < 40 ? r.nextGaussian() : 3 + 0.2 * r.nextGaussian());
        }
        int differ = 0;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray tokens = m.create(x, new Shape(b, n, w));
            NDArray scores = LocalOutlierFactor.scores(tokens, true);
            double[] got = scores.toDoubleArray();
            boolean[] outliers = LocalOutlierFactor.outliers(scores).toBooleanArray();
            boolean[] official = LocalOutlierFactor.outliers(LocalOutlierFactor.scores(tokens, false)).toBooleanArray();
            for (int k = 0; k < b; k++) {
                double[] want = textbookLof(Arrays.copyOfRange(x, k * n * w, (k + 1) * n * w), n, w);
                double[] sorted = want.clone();
                Arrays.sort(sorted);
                double pos = 0.95 * (n - 1);
                int lo = (int) pos;
                double thr = sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]);
                for (int i = 0; i < n; i++) {
                    assertEquals(want[i], got[k * n + i], 1e-9 * want[i], "window " + k + " patch " + i);
                    assertEquals(want[i] > thr, outliers[k * n + i], "window " + k + " patch " + i);
                    differ += outliers[k * n + i] != official[k * n + i] ? 1 : 0;
                }
            }
        }
        assertTrue(differ > 0, "the textbook and the official LOF pick the same outliers here: the test data says nothing");
    }

    /**
     * Textbook LOF (Breunig et al. 2000) in plain Java, as scikit-learn computes it: Euclidean distances, the 30
     * nearest OTHER points, reach(i, j) = max(d(i, j), kdist(j)), LRD = 1 / (mean reach + 1e-10), LOF = mean LRD of
     * the neighbours / own LRD.
     */
    private static double[] textbookLof(float[] x, int n, int w) {
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int c = 0; c < w; c++) {
                    double diff = (double) x[i * w + c] - x[j * w + c];
                    s += diff * diff;
                }
                d[i][j] = Math.sqrt(s);
            }
        }
        int k = 30;
        int[][] knn = new int[n][k];
        double[] kdist = new double[n];
        for (int i = 0; i < n; i++) {
            final int row = i;
            int[] others = java.util.stream.IntStream.range(0, n).filter(j -> j != row).boxed()
                    .sorted((a, c) -> Double.compare(d[row][a], d[row][c])).mapToInt(Integer::intValue).toArray();
            knn[i] = Arrays.copyOf(others, k);
            kdist[i] = d[i][knn[i][k - 1]];
        }
        double[] lrd = new double[n];
        for (int i = 0; i < n; i++) {
            double reach = 0;
            for (int j : knn[i]) {
                reach += Math.max(d[i][j], kdist[j]);
            }
            lrd[i] = 1 / (reach / k + 1e-10);
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

    @Test
    void scclipUsesTheTextbookLofOnlyWhenAsked() throws IOException {
        float[] image = Goldens.floats("inputs/img224.npy");
        try (ClipModel official = ClipModel.load(TinyCheckpoints.tiny12(), LastBlockVariant.SCCLIP,
                LastBlockVariant.DEFAULT_GAUSSIAN_STD, Correction.none(), Towers.VISION, Device.cpu(), Precision.FP32,
                KernelChoice.AUTO);
             ClipModel corrected = ClipModel.load(TinyCheckpoints.tiny12(), LastBlockVariant.SCCLIP,
                     LastBlockVariant.DEFAULT_GAUSSIAN_STD, EnumSet.allOf(Correction.class), Towers.VISION,
                     Device.cpu(), Precision.FP32, KernelChoice.AUTO);
             NDManager scope = corrected.newScope()) {
            assertEquals(Set.of(Correction.LOF, Correction.POS_EMBED), corrected.corrections(),
                    "padding concerns windows, not the encoder");
            VisionTower v = corrected.vision();
            NDArray x = v.lnPre().apply(v.embed(scope.create(image, new Shape(1, 3, 224, 224))));
            NDArray last = x;
            for (ResidualAttentionBlock block : v.blocks()) {
                last = block.forward(last);
            }
            NDArray tokens = last.get(":, 1:, :");
            assertArrayEquals(LocalOutlierFactor.textbookScores(tokens).toDoubleArray(),
                    v.scclip().trace(x, 14, 14).lofScores().toDoubleArray(), 1e-12);
            VisionTower o = official.vision();
            assertArrayEquals(LocalOutlierFactor.scores(tokens).toDoubleArray(),
                    o.scclip().trace(x, 14, 14).lofScores().toDoubleArray(), 1e-12);
        }
    }

    @Test
    void correctedPositionalTableIsResizedForEveryOtherGrid() {
        int g = 4;
        int width = 3;
        Random r = new Random(5);
        float[] table = new float[(1 + g * g) * width];
        for (int i = 0; i < table.length; i++) {
            table[i] = (float) r.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray t = m.create(table, new Shape(1 + g * g, width));
            PositionalEmbedding official = new PositionalEmbedding(t, m, false);
            PositionalEmbedding corrected = new PositionalEmbedding(t, m, true);
            assertSame(t, official.forGrid(2, 8), "officially a 2x8 grid (16 tokens) gets the 4x4 table");
            assertSame(t, corrected.forGrid(4, 4));
            float[] resized = corrected.forGrid(2, 8).toFloatArray();
            assertArrayEquals(bicubic(table, g, width, 2, 8), resized, 1e-6f);
            assertFalse(Arrays.equals(table, resized));
            assertArrayEquals(official.forGrid(3, 5).toFloatArray(), corrected.forGrid(3, 5).toFloatArray(),
                    "other token counts: resized either way");
        }
    }

    /**
     * PyTorch's bicubic {@code F.interpolate(scale_factor=((hp + 0.1) / g, (wp + 0.1) / g))} in plain Java: Keys'
     * cubic convolution (A = -0.75), source {@code (dst + 0.5) / scale - 0.5}, border taps clamped; CLS row kept.
     */
    private static float[] bicubic(float[] table, int g, int width, int hp, int wp) {
        float[] out = new float[(1 + hp * wp) * width];
        System.arraycopy(table, 0, out, 0, width);
        for (int y = 0; y < hp; y++) {
            for (int x = 0; x < wp; x++) {
                double sy = (y + 0.5) / ((hp + 0.1) / g) - 0.5;
                double sx = (x + 0.5) / ((wp + 0.1) / g) - 0.5;
                int y0 = (int) Math.floor(sy);
                int x0 = (int) Math.floor(sx);
                for (int c = 0; c < width; c++) {
                    double v = 0;
                    for (int a = -1; a <= 2; a++) {
                        for (int b = -1; b <= 2; b++) {
                            int iy = Math.min(Math.max(y0 + a, 0), g - 1);
                            int ix = Math.min(Math.max(x0 + b, 0), g - 1);
                            v += keys(sy - (y0 + a)) * keys(sx - (x0 + b)) * table[(1 + iy * g + ix) * width + c];
                        }
                    }
                    out[(1 + y * wp + x) * width + c] = (float) v;
                }
            }
        }
        return out;
    }

    private static double keys(double t) {
        double a = -0.75;
        double x = Math.abs(t);
        return x <= 1 ? ((a + 2) * x - (a + 3)) * x * x + 1 : x < 2 ? a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a : 0;
    }

    @Test
    void correctionsParseAsAList() {
        assertEquals(EnumSet.of(Correction.LOF, Correction.PADDING), Correction.parseList("padding, lof"));
        assertEquals(EnumSet.allOf(Correction.class), Correction.parseList("all"));
        assertTrue(Correction.parseList("none").isEmpty());
        assertEquals(EnumSet.of(Correction.POS_EMBED), Correction.parseList("POS-EMBED"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Correction.parseList("area"));
        assertTrue(e.getMessage().contains("unknown correction 'area'") && e.getMessage().contains("pos-embed"),
                e.getMessage());
        assertNotEquals(Correction.encoderOnly(Correction.parseList("all")), Correction.parseList("all"));
        assertEquals("[LOF, POS_EMBED, PADDING]", Correction.copyOf(Set.of(Correction.PADDING, Correction.LOF,
                Correction.POS_EMBED)).toString(), "declaration order whatever the input order");
    }
}
