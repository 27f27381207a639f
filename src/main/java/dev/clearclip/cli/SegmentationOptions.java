package dev.clearclip.cli;

import dev.clearclip.config.Method;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.Preset;
import dev.clearclip.config.SegmentationRequest;
import dev.clearclip.config.SettingOverrides;
import dev.clearclip.model.Correction;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;

/**
 * The vocabulary choice, setting overrides and device shared by every command that segments (predict, bench,
 * segment). Each vocabulary keeps its own settings (see {@link dev.clearclip.config.VocabularySource#settings});
 * a flag given here overrides them for every vocabulary.
 */
public final class SegmentationOptions {
    static final String CORRECTED = "correct bugs of the official code (default none: its exact output): lof (SC-CLIP: "
            + "textbook LOF, Euclidean distances, the neighbour's k-distance), pos-embed (resize the positional table "
            + "for every non-square grid), padding (pad windows to whole patches instead of dropping the last pixels "
            + "and stretching the logits), all";

    @Option(names = "--preset", paramLabel = "NAME",
            description = "benchmark preset: settings and class list (voc21, voc20, context60, context59, coco-object, "
                    + "coco-stuff, cityscapes, ade20k); with --classes, the settings of the class files")
    String preset;

    @Option(names = "--classes", paramLabel = "FILE|PRESET[,...]",
            description = "class file(s) (one class per line, comma synonyms) or preset vocabularies, comma separated; "
                    + "a preset keeps its own settings, a class file gets --preset's or the defaults")
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
    @Option(names = "--method", paramLabel = "M",
            description = "clearclip (default), naclip, scclip or sclip: the image encoder's method and, per preset, the method's official "
                    + "settings and class files")
    String method;
    @Option(names = "--attention", paramLabel = "A",
            description = "ablation: another last block than the method's (clearclip, vanilla, sclip, naclip, "
                    + "csa-reduced, maskclip, scclip)")
    String attention;
    @Option(names = "--pamr", paramLabel = "STEPS",
            description = "PAMR refinement steps on the logits at the original size; 0 = off (naclip: 10, else 0)")
    Integer pamr;
    @Option(names = "--pamr-dilations", paramLabel = "D[,D...]", description = "PAMR dilations in pixels (default 8,16)")
    String pamrDilations;
    @Option(names = "--gaussian-std", paramLabel = "S",
            description = "NACLIP's neighbourhood bias width in patches (default 5)")
    Double gaussianStd;
    @Option(names = "--area-thd", paramLabel = "A|none",
            description = "keep a class only if its share of the non-background area is above A; none = off "
                    + "(default: the preset's)")
    String areaThd;
    @Option(names = "--corrected", paramLabel = "FIX[,FIX...]", description = CORRECTED)
    String corrected;
    @Option(names = "--precision", paramLabel = "P", description = "fp32 (default), bf16, fp16 (GPU only)")
    String precision;
    @Option(names = "--window-batch", paramLabel = "N", description = "windows per encoder call (default 4)")
    Integer windowBatch;
    @Option(names = "--max-pixels", paramLabel = "N", description = "reject images with more pixels (default 100000000)")
    Long maxPixels;
    @Option(names = "--device", paramLabel = "D",
            description = "auto (a GPU where one is assigned, else CPU with a warning), cpu, gpu (required), gpu:N")
    String device = "auto";

    @Option(names = "--confidence", description = "also write the confidence (max probability) map")
    boolean confidence;
    @Option(names = "--rle", description = "also write COCO RLE per present class")
    boolean rle;
    @Option(names = "--pseudo-label-thd", paramLabel = "P",
            description = "pseudo-labelling: pixels with confidence below P get the ignore index")
    Double pseudoLabelThd;
    @Option(names = "--ignore-index", paramLabel = "I", description = "label of ignored pixels (default 255)")
    int ignoreIndex = 255;

    /** Everything above as one validated request. */
    public SegmentationRequest request() {
        SettingOverrides overrides = overrides();
        return new SegmentationRequest(vocabularies(),
                preset != null ? Preset.load(preset, overrides.methodOrDefault()).settings() : null, overrides,
                output(), device);
    }

    public SettingOverrides overrides() {
        return new SettingOverrides(resizeShort, resizeLong, crop, stride, probThd, logitScale,
                attention == null ? null : LastBlockVariant.parse(attention),
                precision == null ? null : Precision.parse(precision), windowBatch, maxPixels,
                method == null ? null : Method.parse(method), pamr, dilations(pamrDilations), gaussianStd,
                areaThreshold(areaThd), corrected == null ? null : Correction.parseList(corrected));
    }

    /** "8,16" -> [8, 16]. */
    static List<Integer> dilations(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Arrays.stream(text.split(",")).map(String::strip).map(Integer::valueOf).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--pamr-dilations must be comma-separated integers, got '" + text + "'");
        }
    }

    /** "none" turns a preset's area filter off (a negative override); a number sets it. */
    static Double areaThreshold(String text) {
        if (text == null) {
            return null;
        }
        if (text.strip().equalsIgnoreCase("none")) {
            return -1.0;
        }
        try {
            return Double.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--area-thd must be a number in [0, 1) or none, got '" + text + "'");
        }
    }

    /** The vocabularies to segment with: --classes entries, else the preset's own class list. */
    public List<String> vocabularies() {
        if (preset == null && classes == null) {
            throw new IllegalArgumentException("give --preset NAME or --classes FILE");
        }
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
}
