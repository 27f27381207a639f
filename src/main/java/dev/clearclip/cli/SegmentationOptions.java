package dev.clearclip.cli;

import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.Preset;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;

/** The preset/vocabulary choice and setting overrides shared by every command that segments (predict, bench, segment). */
public final class SegmentationOptions {

    @Option(names = "--preset", paramLabel = "NAME",
            description = "benchmark preset: settings and class list (voc21, voc20, context60, context59, coco-object, coco-stuff, cityscapes, ade20k)")
    String preset;

    @Option(names = "--classes", paramLabel = "FILE|PRESET[,...]",
            description = "class file(s) (one class per line, comma synonyms) or preset vocabularies, comma separated")
    String classes;

    @Option(names = "--resize-short", paramLabel = "S", description = "short side after the keep-ratio resize (default 448)")
    Integer resizeShort;
    @Option(names = "--resize-long", paramLabel = "L", description = "cap on the long side (default 2048)")
    Integer resizeLong;
    @Option(names = "--crop", paramLabel = "C", description = "sliding window size; 0 = whole image (default 448)")
    Integer crop;
    @Option(names = "--stride", paramLabel = "T", description = "sliding window stride (default 224)")
    Integer stride;
    @Option(names = "--prob-thd", paramLabel = "P",
            description = "pixels below this max probability get class 0 (default: the preset's, else 0)")
    Double probThd;
    @Option(names = "--logit-scale", paramLabel = "L", description = "softmax temperature (default 50)")
    Double logitScale;
    @Option(names = "--attention", paramLabel = "A", description = "last block: clearclip (default), vanilla, sclip, maskclip")
    String attention;
    @Option(names = "--precision", paramLabel = "P", description = "fp32 (default), bf16, fp16 (GPU)")
    String precision;
    @Option(names = "--window-batch", paramLabel = "N", description = "windows per encoder call (default 4)")
    Integer windowBatch;
    @Option(names = "--max-pixels", paramLabel = "N", description = "reject images with more pixels (default 100000000)")
    Long maxPixels;

    @Option(names = "--confidence", description = "also write the confidence (max probability) map")
    boolean confidence;
    @Option(names = "--rle", description = "also write COCO RLE per present class")
    boolean rle;
    @Option(names = "--pseudo-label-thd", paramLabel = "P",
            description = "pseudo-labelling: pixels with confidence below P get the ignore index")
    Double pseudoLabelThd;
    @Option(names = "--ignore-index", paramLabel = "I", description = "label of ignored pixels (default 255)")
    int ignoreIndex = 255;

    /** Preset settings (or the defaults when only classes are given) with every override applied, validated. */
    public SegmentationSettings settings() {
        requireVocabulary();
        SegmentationSettings base = preset != null ? Preset.load(preset).settings()
                : withThreshold(SegmentationSettings.voc21Defaults(), 0.0);
        return new SegmentationSettings(
                or(resizeShort, base.resizeShort()), or(resizeLong, base.resizeLong()), or(crop, base.crop()),
                or(stride, base.stride()), or(probThd, base.probThreshold()), or(logitScale, base.logitScale()),
                attention == null ? base.attention() : LastBlockVariant.parse(attention),
                precision == null ? base.precision() : Precision.parse(precision),
                or(windowBatch, base.windowBatch()), or(maxPixels, base.maxPixels()));
    }

    /** The vocabularies to segment with: --classes entries, else the preset's own class list. */
    public List<String> vocabularies() {
        requireVocabulary();
        if (classes != null) {
            List<String> list = Arrays.stream(classes.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (list.isEmpty()) {
                throw new IllegalArgumentException("--classes names no vocabulary");
            }
            return list;
        }
        return List.of(Preset.load(preset).name());
    }

    public OutputOptions output() {
        return new OutputOptions(confidence, rle, pseudoLabelThd, ignoreIndex);
    }

    private void requireVocabulary() {
        if (preset == null && classes == null) {
            throw new IllegalArgumentException("give --preset NAME or --classes FILE");
        }
    }

    private static SegmentationSettings withThreshold(SegmentationSettings s, double thd) {
        return new SegmentationSettings(s.resizeShort(), s.resizeLong(), s.crop(), s.stride(), thd, s.logitScale(),
                s.attention(), s.precision(), s.windowBatch(), s.maxPixels());
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
