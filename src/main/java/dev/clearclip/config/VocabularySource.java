package dev.clearclip.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A vocabulary as the user named it: a preset name (its class list) or a class file (one class per line, comma
 * synonyms). Read on the driver; executors only ever see the embeddings.
 */
public record VocabularySource(String name, String origin, String text, Preset preset) {

    /** {@code arg} under ClearCLIP (its presets' class lists). */
    public static VocabularySource resolve(String arg) {
        return resolve(arg, Method.CLEARCLIP);
    }

    /** A class file, or {@code method}'s preset named {@code arg} (the methods ship their own class lists). */
    public static VocabularySource resolve(String arg, Method method) {
        Path file = Path.of(arg);
        if (Files.isRegularFile(file)) {
            try {
                String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                return new VocabularySource(stem, file.toString(), Files.readString(file, StandardCharsets.UTF_8), null);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read class file " + file + ": " + e.getMessage(), e);
            }
        }
        if (Preset.exists(arg)) {
            Preset preset = Preset.load(arg, method);
            return new VocabularySource(preset.name(), "preset:" + preset.name(), preset.classesText(), preset);
        }
        throw new IllegalArgumentException("vocabulary '" + arg + "' is neither a readable class file nor a preset ("
                + String.join(", ", Preset.NAMES) + ")");
    }

    /**
     * This vocabulary's settings: a preset keeps its own; a class file gets {@code classFileBase} (the settings of
     * the run's {@code --preset}, if one was named) or the class-file defaults; then the overrides.
     */
    public SegmentationSettings settings(SegmentationSettings classFileBase, SettingOverrides overrides) {
        SegmentationSettings base = preset != null ? preset.settings()
                : classFileBase != null ? classFileBase : Preset.classFileDefaults(overrides.methodOrDefault());
        return overrides.applyTo(base);
    }

    static String resourceText(String resource) {
        try (InputStream in = VocabularySource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
