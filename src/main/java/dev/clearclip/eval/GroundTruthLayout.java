package dev.clearclip.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a benchmark stores its ground truth and how mmseg's loader turns the stored values into training labels
 * ({@link #IGNORE} = not evaluated). Names follow the presets in conf/presets, whose class files give the names.
 */
public enum GroundTruthLayout {
    VOC21("voc21", 21, Mapping.INDEX, ".png", ""),
    VOC20("voc20", 20, Mapping.REDUCE_ZERO_LABEL, ".png", ""),
    CONTEXT60("context60", 60, Mapping.INDEX, ".png", ""),
    CONTEXT59("context59", 59, Mapping.REDUCE_ZERO_LABEL, ".png", ""),
    COCO_OBJECT("coco-object", 81, Mapping.INDEX, "_instanceTrainIds.png", ""),
    COCO_STUFF("coco-stuff", 171, Mapping.INDEX, "_labelTrainIds.png", ""),
    /** the released stuffthingmaps (ids 0..181 with 11 unused), mapped to the 171 train ids as mmseg's converter does */
    COCO_STUFF_RAW("coco-stuff-raw", 171, Mapping.COCO_STUFF_IDS, ".png", ""),
    ADE20K("ade20k", 150, Mapping.REDUCE_ZERO_LABEL, ".png", ""),
    CITYSCAPES("cityscapes", 19, Mapping.CITYSCAPES_IDS, "_gtFine_labelIds.png", "_leftImg8bit");

    public static final int IGNORE = 255;

    private static final List<String> ALIASES = List.of("voc=voc21", "context=context60", "cocostuff=coco-stuff",
            "ade=ade20k", "city_scapes=cityscapes");

    private final String cliName;
    private final int defaultClasses;
    private final Mapping mapping;
    private final String fileSuffix;
    private final String imageSuffix;

    GroundTruthLayout(String cliName, int defaultClasses, Mapping mapping, String fileSuffix, String imageSuffix) {
        this.cliName = cliName;
        this.defaultClasses = defaultClasses;
        this.mapping = mapping;
        this.fileSuffix = fileSuffix;
        this.imageSuffix = imageSuffix;
    }

    public static GroundTruthLayout parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (String alias : ALIASES) {
            String[] kv = alias.split("=");
            if (kv[0].replace('_', '-').equals(key)) {
                key = kv[1];
            }
        }
        for (GroundTruthLayout l : values()) {
            if (l.cliName.equals(key)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown ground-truth layout '" + name + "': expected one of "
                + String.join(", ", Arrays.stream(values()).map(GroundTruthLayout::cliName).toList())
                + " (or voc, context)");
    }

    public String cliName() {
        return cliName;
    }

    /** the benchmark's class count (mmseg's dataset definition) */
    public int defaultClasses() {
        return defaultClasses;
    }

    /** the preset whose class file names this benchmark's classes */
    public String preset() {
        return this == COCO_STUFF_RAW ? COCO_STUFF.cliName : cliName;
    }

    /** how this layout's ground-truth file names end, e.g. {@code _labelTrainIds.png} (mmseg's seg_map_suffix) */
    public String fileSuffix() {
        return fileSuffix;
    }

    /** whether a file (by name) is a ground-truth map of this layout, e.g. only {@code *_gtFine_labelIds.png} */
    public boolean isGroundTruthFile(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(fileSuffix.toLowerCase(Locale.ROOT));
    }

    /** the matching key of a ground-truth path: without its layout suffix ({@code a/b_gtFine_labelIds.png -> a/b}) */
    public String groundTruthKey(String relativePath) {
        return relativePath.substring(0, relativePath.length() - fileSuffix.length());
    }

    /** the matching key of a prediction id (image path without extension): Cityscapes drops {@code _leftImg8bit} */
    public String predictionKey(String imageId) {
        return !imageSuffix.isEmpty() && imageId.endsWith(imageSuffix)
                ? imageId.substring(0, imageId.length() - imageSuffix.length()) : imageId;
    }

    /** the stored values of a ground-truth map to labels, in place */
    public int[] toLabels(int[] stored) {
        for (int i = 0; i < stored.length; i++) {
            stored[i] = mapping.label(stored[i]);
        }
        return stored;
    }

    enum Mapping {
        INDEX, REDUCE_ZERO_LABEL, CITYSCAPES_IDS, COCO_STUFF_IDS;

        /** labelId -> trainId of cityscapesScripts' labels.py (the 19 evaluated classes) */
        private static final int[] CITYSCAPES = table(34, new int[][]{{7, 0}, {8, 1}, {11, 2}, {12, 3}, {13, 4},
                {17, 5}, {19, 6}, {20, 7}, {21, 8}, {22, 9}, {23, 10}, {24, 11}, {25, 12}, {26, 13}, {27, 14},
                {28, 15}, {31, 16}, {32, 17}, {33, 18}});
        /** COCO ids minus one that no category uses; the other 171 of 0..181 are numbered in order */
        private static final int[] COCO_UNUSED = {11, 25, 28, 29, 44, 65, 67, 68, 70, 82, 90};
        private static final int[] COCO = cocoTable();

        int label(int v) {
            return switch (this) {
                case INDEX -> v;
                // mmseg LoadAnnotations(reduce_zero_label=True): 0 -> 255, v -> v - 1, and 255 stays 255
                case REDUCE_ZERO_LABEL -> v == 0 || v == IGNORE ? IGNORE : v - 1;
                case CITYSCAPES_IDS -> v < CITYSCAPES.length ? CITYSCAPES[v] : IGNORE;
                case COCO_STUFF_IDS -> v < COCO.length ? COCO[v] : IGNORE;
            };
        }

        private static int[] table(int size, int[][] pairs) {
            int[] t = new int[size];
            Arrays.fill(t, IGNORE);
            for (int[] p : pairs) {
                t[p[0]] = p[1];
            }
            return t;
        }

        private static int[] cocoTable() {
            int[] t = new int[182];
            int next = 0;
            for (int id = 0; id < t.length; id++) {
                t[id] = Arrays.binarySearch(COCO_UNUSED, id) >= 0 ? IGNORE : next++;
            }
            return t;
        }
    }
}
