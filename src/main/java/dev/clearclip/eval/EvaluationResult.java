package dev.clearclip.eval;

import java.util.List;

/**
 * An evaluation's numbers and its bookkeeping: how many images were compared, which were left out and why.
 *
 * @param unmatchedPredictions      predictions without ground truth (count, then the first few ids)
 * @param unmatchedGroundTruth      ground-truth files without prediction
 * @param skipped                   matched images that could not be compared; {@code skippedExamples} says why
 */
public record EvaluationResult(EvaluationSettings settings, String vocabulary, SegmentationMetrics metrics,
                               ConfusionMatrix matrix, long images, long unmatchedPredictions,
                               List<String> unmatchedPredictionExamples, long unmatchedGroundTruth,
                               List<String> unmatchedGroundTruthExamples, long skipped,
                               List<String> skippedExamples) {
    public static final int EXAMPLES = 5;

    public EvaluationResult {
        unmatchedPredictionExamples = List.copyOf(unmatchedPredictionExamples);
        unmatchedGroundTruthExamples = List.copyOf(unmatchedGroundTruthExamples);
        skippedExamples = List.copyOf(skippedExamples);
    }
}
