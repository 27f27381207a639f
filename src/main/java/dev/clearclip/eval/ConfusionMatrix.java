package dev.clearclip.eval;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Pixel counts by (ground-truth label, predicted label) over {@code numClasses} classes plus one "outside" bin for
 * labels that are neither a class nor ignored. The outside bin keeps mmseg's arithmetic exact: its histograms drop
 * such values from one side's area but still count the pixel in the other side's.
 */
public final class ConfusionMatrix implements Serializable {
    private final int numClasses;
    private final long[] counts;
    private long ignoredPixels;

    public ConfusionMatrix(int numClasses) {
        if (numClasses < 1 || numClasses > GroundTruthLayout.IGNORE) {
            throw new IllegalArgumentException("number of classes must be in 1.." + GroundTruthLayout.IGNORE
                    + " (label " + GroundTruthLayout.IGNORE + " means ignore), got " + numClasses);
        }
        this.numClasses = numClasses;
        this.counts = new long[(numClasses + 1) * (numClasses + 1)];
    }

    public int numClasses() {
        return numClasses;
    }

    /** Adds one image: ground truth already mapped to labels ({@link GroundTruthLayout#IGNORE} skipped). */
    public ConfusionMatrix add(int[] groundTruth, int[] prediction) {
        if (groundTruth.length != prediction.length) {
            throw new IllegalArgumentException("ground truth has " + groundTruth.length + " pixels, prediction "
                    + prediction.length);
        }
        int side = numClasses + 1;
        for (int i = 0; i < groundTruth.length; i++) {
            int g = groundTruth[i];
            if (g == GroundTruthLayout.IGNORE) {
                ignoredPixels++;
                continue;
            }
            counts[bin(g) * side + bin(prediction[i])]++;
        }
        return this;
    }

    public ConfusionMatrix merge(ConfusionMatrix other) {
        if (other.numClasses != numClasses) {
            throw new IllegalArgumentException("cannot merge matrices of " + numClasses + " and " + other.numClasses
                    + " classes");
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        ignoredPixels += other.ignoredPixels;
        return this;
    }

    /** pixels with ground truth {@code gt} predicted as {@code pred}; {@code numClasses} = the outside bin */
    public long get(int gt, int pred) {
        return counts[gt * (numClasses + 1) + pred];
    }

    public long ignoredPixels() {
        return ignoredPixels;
    }

    /** evaluated pixels whose ground truth is outside the classes (neither a class nor ignore) */
    public long outsideGroundTruthPixels() {
        long n = 0;
        for (int p = 0; p <= numClasses; p++) {
            n += get(numClasses, p);
        }
        return n;
    }

    /** evaluated pixels whose prediction is outside the classes */
    public long outsidePredictionPixels() {
        long n = 0;
        for (int g = 0; g <= numClasses; g++) {
            n += get(g, numClasses);
        }
        return n;
    }

    private int bin(int label) {
        return label >= 0 && label < numClasses ? label : numClasses;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && m.numClasses == numClasses && m.ignoredPixels == ignoredPixels
                && Arrays.equals(m.counts, counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }
}
