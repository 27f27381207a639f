package dev.clearclip.eval;

/**
 * mmseg {@code IoUMetric} numbers from a confusion matrix, as fractions (mmseg prints them x100, rounded to 2
 * places). Per class: IoU = intersect / union and Acc = intersect / ground-truth area, NaN where the denominator is
 * 0; mIoU and mAcc are the NaN-skipping means, so a class absent from the ground truth but predicted counts with IoU
 * 0 in mIoU and not at all in mAcc. aAcc = correct / evaluated pixels. fwIoU (not in mmseg) weights IoU by
 * ground-truth area.
 */
public record SegmentationMetrics(long[] areaLabel, long[] areaPrediction, long[] areaIntersect, double[] iou,
                                  double[] accuracy, double aAcc, double mIoU, double mAcc, double fwIoU) {

    public static SegmentationMetrics of(ConfusionMatrix m) {
        int n = m.numClasses();
        long[] label = new long[n];
        long[] pred = new long[n];
        long[] inter = new long[n];
        for (int c = 0; c < n; c++) {
            inter[c] = m.get(c, c);
            for (int o = 0; o <= n; o++) {
                label[c] += m.get(c, o);
                pred[c] += m.get(o, c);
            }
        }
        double[] iou = new double[n];
        double[] acc = new double[n];
        long totalInter = 0;
        long totalLabel = 0;
        double fw = 0;
        for (int c = 0; c < n; c++) {
            iou[c] = ratio(inter[c], label[c] + pred[c] - inter[c]);
            acc[c] = ratio(inter[c], label[c]);
            totalInter += inter[c];
            totalLabel += label[c];
            if (label[c] > 0) {
                fw += label[c] * iou[c];
            }
        }
        return new SegmentationMetrics(label, pred, inter, iou, acc, ratio(totalInter, totalLabel), nanMean(iou),
                nanMean(acc), totalLabel == 0 ? Double.NaN : fw / totalLabel);
    }

    public int numClasses() {
        return iou.length;
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }

    private static double nanMean(double[] v) {
        double sum = 0;
        int n = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                sum += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
