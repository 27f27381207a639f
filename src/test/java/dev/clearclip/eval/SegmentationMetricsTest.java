package dev.clearclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SegmentationMetricsTest {
    private static final int I = GroundTruthLayout.IGNORE;

    private static SegmentationMetrics metrics(int n, int[] gt, int[] pred) {
        return SegmentationMetrics.of(new ConfusionMatrix(n).add(gt, pred));
    }

    @Test
    void perfectPredictionScoresOneEverywhereAndNanForAbsentClasses() {
        SegmentationMetrics m = metrics(4, new int[]{0, 0, 1, 1, 1, 2}, new int[]{0, 0, 1, 1, 1, 2});
        assertArrayEquals(new double[]{1, 1, 1, Double.NaN}, m.iou());
        assertArrayEquals(new double[]{1, 1, 1, Double.NaN}, m.accuracy());
        assertEquals(1.0, m.mIoU());
        assertEquals(1.0, m.mAcc());
        assertEquals(1.0, m.aAcc());
        assertEquals(1.0, m.fwIoU());
    }

    @Test
    void allWrongScoresZero() {
        SegmentationMetrics m = metrics(3, new int[]{0, 0, 1, 2}, new int[]{1, 2, 0, 1});
        assertArrayEquals(new double[]{0, 0, 0}, m.iou());
        assertEquals(0.0, m.mIoU());
        assertEquals(0.0, m.mAcc());
        assertEquals(0.0, m.aAcc());
        assertEquals(0.0, m.fwIoU());
    }

    @Test
    void classMissingFromPredictionsCountsAsZeroInBothMeans() {
        // gt: 4x class 0, 2x class 1, 2x class 2; class 2 never predicted (predicted as 0)
        SegmentationMetrics m = metrics(3, new int[]{0, 0, 0, 0, 1, 1, 2, 2}, new int[]{0, 0, 0, 0, 1, 1, 0, 0});
        assertArrayEquals(new double[]{4.0 / 6, 1, 0}, m.iou(), 1e-15);
        assertArrayEquals(new double[]{1, 1, 0}, m.accuracy(), 1e-15);
        assertEquals((4.0 / 6 + 1 + 0) / 3, m.mIoU(), 1e-15);
        assertEquals(2.0 / 3, m.mAcc(), 1e-15);
        assertEquals(6.0 / 8, m.aAcc(), 1e-15);
        assertEquals((4 * (4.0 / 6) + 2 * 1 + 2 * 0) / 8, m.fwIoU(), 1e-15);
    }

    @Test
    void classOnlyPredictedGetsIouZeroInMiouButNoAccuracy() {
        // mmseg: IoU = 0/(2+0-0) = 0 is averaged; Acc = 0/0 = NaN is skipped
        SegmentationMetrics m = metrics(3, new int[]{0, 0, 1, 1}, new int[]{0, 2, 1, 2});
        assertArrayEquals(new double[]{0.5, 0.5, 0}, m.iou(), 1e-15);
        assertEquals(Double.NaN, m.accuracy()[2]);
        assertEquals(1.0 / 3, m.mIoU(), 1e-15);
        assertEquals(0.5, m.mAcc(), 1e-15);
    }

    @Test
    void ignorePixelsAreNotEvaluatedWhateverIsPredicted() {
        ConfusionMatrix c = new ConfusionMatrix(2).add(new int[]{0, I, I, 1}, new int[]{0, 1, 0, 1});
        SegmentationMetrics m = SegmentationMetrics.of(c);
        assertEquals(2, c.ignoredPixels());
        assertArrayEquals(new long[]{1, 1}, m.areaPrediction());
        assertEquals(1.0, m.mIoU());
        assertEquals(1.0, m.aAcc());
    }

    @Test
    void mergingPartialMatricesEqualsOneMatrixOverAllPixels() {
        int[] g1 = {0, 1, 2, I};
        int[] p1 = {0, 2, 2, 1};
        int[] g2 = {2, 2, 1};
        int[] p2 = {1, 2, 0};
        ConfusionMatrix both = new ConfusionMatrix(3).add(g1, p1).add(g2, p2);
        assertEquals(both, new ConfusionMatrix(3).add(g1, p1).merge(new ConfusionMatrix(3).add(g2, p2)));
    }

    /** mmseg's intersect_and_union, written out per pixel: drop ignore, then histograms that drop values >= n */
    @Test
    void matchesMmsegHistogramsIncludingOutOfRangeLabels() {
        Random rnd = new Random(7);
        int n = 5;
        long[] label = new long[n];
        long[] pred = new long[n];
        long[] inter = new long[n];
        ConfusionMatrix c = new ConfusionMatrix(n);
        for (int img = 0; img < 20; img++) {
            int[] g = new int[500];
            int[] p = new int[500];
            for (int i = 0; i < g.length; i++) {
                int r = rnd.nextInt(10);
                g[i] = r == 0 ? I : r == 1 ? 7 : rnd.nextInt(n);
                p[i] = rnd.nextInt(12) == 0 ? 9 : rnd.nextInt(n);
                if (g[i] != I) {
                    if (g[i] < n) {
                        label[g[i]]++;
                    }
                    if (p[i] < n) {
                        pred[p[i]]++;
                    }
                    if (g[i] == p[i] && g[i] < n) {
                        inter[g[i]]++;
                    }
                }
            }
            c.add(g, p);
        }
        SegmentationMetrics m = SegmentationMetrics.of(c);
        assertArrayEquals(label, m.areaLabel());
        assertArrayEquals(pred, m.areaPrediction());
        assertArrayEquals(inter, m.areaIntersect());
        assertTrue(c.outsideGroundTruthPixels() > 0 && c.outsidePredictionPixels() > 0);
        long sumInter = 0;
        long sumLabel = 0;
        for (int k = 0; k < n; k++) {
            assertEquals((double) inter[k] / (label[k] + pred[k] - inter[k]), m.iou()[k], 1e-15);
            sumInter += inter[k];
            sumLabel += label[k];
        }
        assertEquals((double) sumInter / sumLabel, m.aAcc(), 1e-15);
    }

    @Test
    void rejectsClassCountsThatCollideWithIgnore() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(256));
        assertTrue(e.getMessage().contains("256"));
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(2).add(new int[3], new int[2]));
    }
}
