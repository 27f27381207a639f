package dev.clearclip.config;

import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * A benchmark configuration of the paper (class list + official settings), read from {@code conf/presets/NAME.properties}
 * as packaged in the jar.
 */
public record Preset(String name, String classesFile, SegmentationSettings settings) {

    public static final List<String> NAMES =
            List.of("voc21", "voc20", "context60", "context59", "coco-object", "coco-stuff", "cityscapes", "ade20k");
    static final String CONF = "/clearclip/conf/";
    private static final String CLASS_FILE = "class-file";

    /** The ClearCLIP preset {@code name}. */
    public static Preset load(String name) {
        return load(name, Method.CLEARCLIP);
    }

    /** {@code method}'s preset of benchmark {@code name}: its official settings and class file. */
    public static Preset load(String name, Method method) {
        String key = normalise(name);
        if (!NAMES.contains(key)) {
            throw new IllegalArgumentException("unknown preset '" + name + "': expected one of " + String.join(", ", NAMES));
        }
        String file = method.presetFolder() + key;
        Properties p = properties(file);
        return new Preset(key, p.getProperty("classes"), settings(p, file, method));
    }

    /** What a class file without a preset is segmented with: the official ClearCLIP segmentor's defaults. */
    public static SegmentationSettings classFileDefaults() {
        return classFileDefaults(Method.CLEARCLIP);
    }

    /** What a class file without a preset is segmented with under {@code method}: its segmentor's defaults. */
    public static SegmentationSettings classFileDefaults(Method method) {
        String file = method.presetFolder() + CLASS_FILE;
        return settings(properties(file), file, method);
    }

    private static Properties properties(String key) {
        Properties p = new Properties();
        try (InputStream in = Preset.class.getResourceAsStream(CONF + "presets/" + key + ".properties")) {
            if (in == null) {
                throw new IllegalStateException("preset " + key + " is missing from the jar (conf/presets/" + key + ".properties)");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** ClearCLIP's files predate PAMR and the area filter: absent keys mean off (and NACLIP's default std). */
    private static SegmentationSettings settings(Properties p, String key, Method method) {
        try {
            String area = p.getProperty("area_thd", "none").strip();
            List<Integer> dilations = Arrays.stream(p.getProperty("pamr_dilations", "8,16").split(","))
                    .map(String::strip).map(Integer::parseInt).toList();
            return new SegmentationSettings(
                    Integer.parseInt(p.getProperty("resize_short")), Integer.parseInt(p.getProperty("resize_long")),
                    Integer.parseInt(p.getProperty("crop")), Integer.parseInt(p.getProperty("stride")),
                    Double.parseDouble(p.getProperty("prob_thd")), Double.parseDouble(p.getProperty("logit_scale")),
                    method.lastBlock(), Precision.FP32, 4, SegmentationSettings.DEFAULT_MAX_PIXELS, method,
                    Integer.parseInt(p.getProperty("pamr_steps", "0")), dilations,
                    Double.parseDouble(p.getProperty("gaussian_std", String.valueOf(LastBlockVariant.DEFAULT_GAUSSIAN_STD))),
                    area.equals("none") ? null : Double.valueOf(area));
        } catch (RuntimeException e) {
            throw new IllegalStateException("conf/presets/" + key + ".properties is incomplete: " + e.getMessage(), e);
        }
    }

    /** "COCO_Object" and "coco-object" name the same preset. */
    public static String normalise(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static boolean exists(String name) {
        return NAMES.contains(normalise(name));
    }

    /** The packaged class list of this preset. */
    public String classesText() {
        return VocabularySource.resourceText(CONF + "vocabularies/" + classesFile);
    }
}
