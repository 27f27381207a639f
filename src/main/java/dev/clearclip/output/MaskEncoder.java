package dev.clearclip.output;

import dev.clearclip.config.OutputOptions;
import dev.clearclip.inference.ClassRle;
import dev.clearclip.inference.ClassStats;
import dev.clearclip.inference.LabelMap;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.inference.VocabularyMask;

import java.util.ArrayList;
import java.util.List;

/** Turns a label map into what is stored per image: mask PNG, optional confidence PNG and RLE, class statistics. */
public final class MaskEncoder {
    private final OutputOptions options;

    public MaskEncoder(OutputOptions options) {
        this.options = options;
    }

    public VocabularyMask encode(LabelMap map, QueryEmbeddings vocabulary) {
        int w = map.width();
        int h = map.height();
        int labelRange = options.pseudoLabelThreshold() == null ? vocabulary.classes()
                : Math.max(vocabulary.classes(), options.ignoreIndex() + 1);
        byte[] mask = LabelPng.encode(map.labels(), w, h, labelRange);
        byte[] confidence = options.confidencePng() ? ConfidencePng.encode(map.confidence(), w, h) : null;
        List<ClassStats> stats = statistics(map, vocabulary);
        List<ClassRle> rle = new ArrayList<>();
        if (options.rle()) {
            for (ClassStats s : stats) {
                rle.add(new ClassRle(s.classId(), CocoRle.encode(map.labels(), w, h, s.classId())));
            }
        }
        return new VocabularyMask(vocabulary.vocabulary(), mask, confidence, stats, rle);
    }

    /** Every class with at least one pixel, by id; fractions are of all pixels (ignored ones included). */
    public static List<ClassStats> statistics(LabelMap map, QueryEmbeddings vocabulary) {
        double total = (double) map.width() * map.height();
        List<ClassStats> stats = new ArrayList<>();
        for (int c = 0; c < map.pixels().length; c++) {
            long n = map.pixels()[c];
            if (n > 0) {
                stats.add(new ClassStats(c, vocabulary.classNames().get(c), n, n / total, map.confidenceSum()[c] / n));
            }
        }
        return stats;
    }
}
