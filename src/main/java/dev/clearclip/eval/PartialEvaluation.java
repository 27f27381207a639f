package dev.clearclip.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** What one partition contributes: its confusion matrix, images counted, and the images it had to skip (why). */
public final class PartialEvaluation implements Serializable {
    static final int EXAMPLES = 10;

    private final ConfusionMatrix matrix;
    private long images;
    private long skipped;
    private final List<String> skippedExamples = new ArrayList<>();

    public PartialEvaluation(int numClasses) {
        this.matrix = new ConfusionMatrix(numClasses);
    }

    void add(int[] groundTruth, int[] prediction) {
        matrix.add(groundTruth, prediction);
        images++;
    }

    void skip(String why) {
        skipped++;
        if (skippedExamples.size() < EXAMPLES) {
            skippedExamples.add(why);
        }
    }

    public PartialEvaluation merge(PartialEvaluation other) {
        matrix.merge(other.matrix);
        images += other.images;
        skipped += other.skipped;
        for (String s : other.skippedExamples) {
            if (skippedExamples.size() < EXAMPLES) {
                skippedExamples.add(s);
            }
        }
        return this;
    }

    public ConfusionMatrix matrix() {
        return matrix;
    }

    public long images() {
        return images;
    }

    public long skipped() {
        return skipped;
    }

    public List<String> skippedExamples() {
        return List.copyOf(skippedExamples);
    }
}
