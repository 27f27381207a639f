package dev.clearclip.cli;

import dev.clearclip.config.Preset;
import dev.clearclip.io.Npy;
import dev.clearclip.vocabulary.Vocabulary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Reading and checking what the commands are given, so every problem is reported before a model is loaded. */
final class Inputs {
    private Inputs() {
    }

    /** A batch of normalised images, CHW per image, as exchanged with Python ({@code [B, 3, H, W]} float32). */
    record ImageTensor(Path file, int batch, int height, int width, float[] chw) {
    }

    static ImageTensor imageTensor(Path file, String option) throws IOException {
        Npy.Array a = Npy.read(file);
        if (!a.dtype().equals("<f4") && !a.dtype().equals("<f8")) {
            throw new IllegalArgumentException(option + " " + file + ": expected float32 values, got dtype " + a.dtype());
        }
        long[] s = a.shape();
        if (s.length != 4 || s[1] != 3 || s[0] < 1 || s[2] < 1 || s[3] < 1) {
            throw new IllegalArgumentException(option + " " + file + ": expected shape [B, 3, H, W] (normalised RGB "
                    + "images), got " + Arrays.toString(s));
        }
        return new ImageTensor(file, (int) s[0], (int) s[2], (int) s[3], a.floats());
    }

    /** A class file (one class per line, comma synonyms) or, if no such file exists, a preset's class list. */
    static Vocabulary vocabulary(String arg) throws IOException {
        Path file = Path.of(arg);
        if (Files.isRegularFile(file)) {
            return Vocabulary.load(file);
        }
        if (Preset.exists(arg)) {
            Preset preset = Preset.load(arg);
            return Vocabulary.parse(preset.name(), preset.classesText());
        }
        throw new IllegalArgumentException("class file " + arg + " does not exist (nor is it a preset: "
                + String.join(", ", Preset.NAMES) + ")");
    }

    /** "H,W" as two positive ints. */
    static int[] size(String text, String option) {
        String[] parts = text.split(",");
        try {
            if (parts.length == 2) {
                int h = Integer.parseInt(parts[0].strip());
                int w = Integer.parseInt(parts[1].strip());
                if (h > 0 && w > 0) {
                    return new int[] {h, w};
                }
            }
        } catch (NumberFormatException e) {
            // reported below with the expected form
        }
        throw new IllegalArgumentException(option + " '" + text + "': expected two positive integers H,W");
    }

    static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
