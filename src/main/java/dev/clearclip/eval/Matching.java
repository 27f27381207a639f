package dev.clearclip.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which prediction goes with which ground-truth file: first by id (path relative to its root, without extension
 * and layout suffix), then, for what is left, by file stem where the stem is unique on both sides (predictions made
 * from a differently nested image folder still match).
 */
public record Matching(List<Pair> pairs, List<String> unmatchedPredictions, List<String> unmatchedGroundTruth) {

    public record Pair(String predictionId, String groundTruth) {
    }

    public Matching {
        pairs = List.copyOf(pairs);
        unmatchedPredictions = List.copyOf(unmatchedPredictions);
        unmatchedGroundTruth = List.copyOf(unmatchedGroundTruth);
    }

    /**
     * @param predictionIds      image ids (paths without extension) of the predictions
     * @param groundTruthPaths   ground-truth files relative to the ground-truth root
     */
    public static Matching of(List<String> predictionIds, List<String> groundTruthPaths, GroundTruthLayout layout) {
        Map<String, String> gtByKey = new LinkedHashMap<>();
        for (String path : groundTruthPaths) {
            gtByKey.put(layout.groundTruthKey(path), path);
        }
        List<Pair> pairs = new ArrayList<>();
        Map<String, String> leftPredictions = new LinkedHashMap<>();
        for (String id : predictionIds) {
            String gt = gtByKey.remove(layout.predictionKey(id));
            if (gt != null) {
                pairs.add(new Pair(id, gt));
            } else {
                leftPredictions.put(id, layout.predictionKey(id));
            }
        }
        Map<String, Integer> gtStems = stemCounts(gtByKey.keySet());
        Map<String, Integer> predStems = stemCounts(leftPredictions.values());
        Map<String, String> gtByStem = new HashMap<>();
        gtByKey.forEach((key, path) -> gtByStem.put(stem(key), path));
        List<String> unmatched = new ArrayList<>();
        for (Map.Entry<String, String> p : leftPredictions.entrySet()) {
            String stem = stem(p.getValue());
            if (gtStems.getOrDefault(stem, 0) == 1 && predStems.get(stem) == 1) {
                String gt = gtByStem.get(stem);
                pairs.add(new Pair(p.getKey(), gt));
                gtByKey.remove(layout.groundTruthKey(gt));
            } else {
                unmatched.add(p.getKey());
            }
        }
        return new Matching(pairs, unmatched, new ArrayList<>(gtByKey.values()));
    }

    private static Map<String, Integer> stemCounts(Iterable<String> keys) {
        Map<String, Integer> n = new HashMap<>();
        for (String k : keys) {
            n.merge(stem(k), 1, Integer::sum);
        }
        return n;
    }

    static String stem(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
