package dev.clearclip.eval;

import java.util.List;

/**
 * One evaluation: predictions (a masks table or a folder of label PNGs) against a ground-truth folder.
 *
 * @param vocabulary  which vocabulary of a masks table (null: its only one); unused for PNG folders
 * @param classNames  one name per class, for the tables
 * @param out         folder for metrics.json and metrics.parquet; null = console only
 */
public record EvaluationSettings(String predictions, String vocabulary, String groundTruth, GroundTruthLayout layout,
                                 int numClasses, List<String> classNames, String out) {
    public EvaluationSettings {
        if (predictions == null || predictions.isBlank()) {
            throw new IllegalArgumentException("--predictions is required");
        }
        if (groundTruth == null || groundTruth.isBlank()) {
            throw new IllegalArgumentException("--ground-truth is required");
        }
        if (layout == null) {
            throw new IllegalArgumentException("--layout is required");
        }
        if (numClasses < 1 || numClasses > GroundTruthLayout.IGNORE) {
            throw new IllegalArgumentException("--num-classes must be in 1.." + GroundTruthLayout.IGNORE
                    + " (label 255 means ignore), got " + numClasses);
        }
        if (classNames == null || classNames.size() != numClasses) {
            throw new IllegalArgumentException("need one class name per class: " + numClasses + " classes, "
                    + (classNames == null ? 0 : classNames.size()) + " names");
        }
        classNames = List.copyOf(classNames);
    }
}
