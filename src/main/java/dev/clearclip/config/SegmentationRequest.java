package dev.clearclip.config;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * What the user asked to segment with, before the model is known: the vocabularies (preset names or class files),
 * the settings a class file starts from (the named {@code --preset}'s, or null for the class-file defaults), the
 * explicit overrides, what to write per image, and the device ({@code auto}, {@code cpu}, {@code gpu}, {@code gpu:N}).
 */
public record SegmentationRequest(List<String> vocabularies, SegmentationSettings classFileBase,
                                  SettingOverrides overrides, OutputOptions output, String device)
        implements Serializable {

    public SegmentationRequest {
        vocabularies = vocabularies == null ? List.of() : List.copyOf(vocabularies);
        if (vocabularies.isEmpty()) {
            throw new IllegalArgumentException("give --preset NAME or --classes FILE[,...]");
        }
        overrides = overrides == null ? SettingOverrides.none() : overrides;
        output = output == null ? OutputOptions.defaults() : output;
        device = validateDevice(device == null ? "auto" : device);
    }

    public static SegmentationRequest of(List<String> vocabularies) {
        return new SegmentationRequest(vocabularies, null, null, null, "auto");
    }

    public SegmentationRequest withOverrides(SettingOverrides o) {
        return new SegmentationRequest(vocabularies, classFileBase, o, output, device);
    }

    public SegmentationRequest withOutput(OutputOptions o) {
        return new SegmentationRequest(vocabularies, classFileBase, overrides, o, device);
    }

    /** auto (a GPU where one is assigned, else the CPU with a warning), cpu, gpu (required), gpu:N. */
    public static String validateDevice(String requested) {
        String d = requested.strip().toLowerCase(Locale.ROOT);
        if (d.equals("auto") || d.equals("cpu") || d.equals("gpu") || d.matches("gpu:[0-9]{1,3}")) {
            return d;
        }
        throw new IllegalArgumentException("--device must be auto, cpu, gpu or gpu:N, got '" + requested + "'");
    }
}
