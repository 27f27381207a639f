package dev.clearclip.cli;

import dev.clearclip.io.Npy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static dev.clearclip.cli.CliRun.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input: exit 2 and exactly one stderr line that names the command, the file or setting and the problem. */
class CliErrorsTest {
    @TempDir
    Path tmp;
    private Path out;

    @BeforeEach
    void setUp() {
        out = tmp.resolve("out.npy");
    }

    private static void assertBadInput(CliRun run, String command, String... mentions) {
        assertEquals(2, run.exit(), run::toString);
        assertEquals(1, run.errLines().size(), () -> "one stderr line expected: " + run);
        String line = run.errLines().get(0);
        assertTrue(line.startsWith("clearclip " + command + ": "), line);
        for (String m : mentions) {
            assertTrue(line.contains(m), () -> "'" + m + "' missing from: " + line);
        }
        assertFalse(run.err().contains("\tat "), "no stack trace without --verbose");
    }

    @Test
    void missingModelFolder() {
        Path missing = tmp.resolve("no-such-model");
        assertBadInput(CliRun.of("features", "--model", missing, "--input", fixture("inputs/img224.npy"), "--out", out),
                "features", missing.toString());
        // relative and slash-separated: also a valid hub id, so both readings are reported
        assertBadInput(CliRun.of("features", "--offline", "--model", "no-such-dir/model", "--input",
                fixture("inputs/img224.npy"), "--out", out), "features", "no-such-dir/model: no such folder", "hub id");
    }

    @Test
    void truncatedSafetensors() throws IOException {
        Path model = tmp.resolve("model");
        Files.createDirectories(model);
        Path src = fixture("models/tiny-openclip");
        Files.copy(src.resolve("open_clip_config.json"), model.resolve("open_clip_config.json"));
        Path weights = model.resolve("open_clip_model.safetensors");
        Files.copy(src.resolve("open_clip_model.safetensors"), weights);
        try (FileChannel ch = FileChannel.open(weights, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        assertBadInput(CliRun.of("features", "--model", model, "--input", fixture("inputs/img224.npy"), "--out", out),
                "features", "open_clip_model.safetensors");
        assertBadInput(CliRun.of("embed-text", "--model", model, "--classes", "voc21", "--out", out),
                "embed-text", "open_clip_model.safetensors");
    }

    @Test
    void folderWithoutACheckpoint() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty-model"));
        assertBadInput(CliRun.of("embed-text", "--model", empty, "--classes", "voc21", "--out", out),
                "embed-text", empty.toString());
    }

    @Test
    void tensorOfTheWrongShape() throws IOException {
        Path x = tmp.resolve("x.npy");
        Npy.writeFloat32(x, new float[3 * 32 * 32], 3, 32, 32);
        assertBadInput(CliRun.of("features", "--model", fixture("models/tiny-openclip"), "--input", x, "--out", out),
                "features", x.toString(), "[B, 3, H, W]", "[3, 32, 32]");
        assertBadInput(CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--tensor", x, "--out-labels", out), "predict", x.toString(), "[B, 3, H, W]");
    }

    @Test
    void inputNotAMultipleOfThePatch() throws IOException {
        Path x = tmp.resolve("x.npy");
        Npy.writeFloat32(x, new float[3 * 40 * 32], 1, 3, 40, 32);
        assertBadInput(CliRun.of("features", "--model", fixture("models/tiny-openclip"), "--input", x, "--out", out),
                "features", x.toString(), "40x32", "patch size 16");
    }

    @Test
    void unreadableNpy() throws IOException {
        Path x = Files.writeString(tmp.resolve("x.npy"), "not numpy at all");
        assertBadInput(CliRun.of("features", "--model", fixture("models/tiny-openclip"), "--input", x, "--out", out),
                "features", x.toString(), "not a .npy file");
        Path missing = tmp.resolve("missing.npy");
        assertBadInput(CliRun.of("features", "--model", fixture("models/tiny-openclip"), "--input", missing,
                "--out", out), "features", "no such file", missing.toString());
    }

    @Test
    void missingClassFile() {
        Path classes = tmp.resolve("no-such-classes.txt");
        assertBadInput(CliRun.of("embed-text", "--model", fixture("models/tiny-openclip"), "--classes", classes,
                "--out", out), "embed-text", classes.toString());
        assertBadInput(CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--classes", classes,
                "--image", fixture("inputs/chelsea.png"), "--out-labels", out), "predict", classes.toString());
    }

    @Test
    void badClassFile() throws IOException {
        Path classes = Files.writeString(tmp.resolve("dup.txt"), "cat\ndog\nCat\n");
        assertBadInput(CliRun.of("embed-text", "--model", fixture("models/tiny-openclip"), "--classes", classes,
                "--out", out), "embed-text", classes.toString(), "duplicate");
    }

    @Test
    void cropNotAMultipleOfThePatch() {
        assertBadInput(CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--crop", "100", "--stride", "50", "--image", fixture("inputs/chelsea.png"), "--out-labels", out),
                "predict", "crop 100", "patch size 16");
    }

    @Test
    void badSettings() {
        assertBadInput(CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--prob-thd", "1.5", "--image", fixture("inputs/chelsea.png"), "--out-labels", out),
                "predict", "prob-thd", "1.5");
        assertBadInput(CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc99",
                "--image", fixture("inputs/chelsea.png"), "--out-labels", out), "predict", "voc99");
        assertBadInput(CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--tensor", fixture("seg_voc21/input.npy"), "--original-size", "300x451", "--out-labels", out),
                "predict", "--original-size", "300x451");
        assertBadInput(CliRun.of("features", "--model", fixture("models/tiny-openclip"), "--input",
                fixture("inputs/img224.npy"), "--out", out, "--attention", "softmax"), "features", "softmax");
    }

    @Test
    void imageThatDoesNotDecode() throws IOException {
        Path fake = Files.writeString(tmp.resolve("photo.jpg"), "hello, not a JPEG");
        assertBadInput(CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--image", fake, "--out-labels", out), "predict", fake.toString(), "not an image");
        Path empty = Files.write(tmp.resolve("empty.png"), new byte[0]);
        assertBadInput(CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--image", empty, "--out-labels", out), "predict", empty.toString(), "empty");
    }

    @Test
    void usageErrors() {
        assertBadInput(CliRun.of("features", "--model", fixture("models/tiny-openclip"), "--out", out),
                "features", "--input");
        assertBadInput(CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--out-labels", out), "predict", "--image", "--tensor");
        assertBadInput(CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--tensor", fixture("seg_voc21/input.npy"), "--overlay", tmp.resolve("o.png"), "--out-labels", out),
                "predict", "--overlay");
        CliRun none = CliRun.of();
        assertEquals(2, none.exit(), none::toString);
        assertEquals(1, none.errLines().size(), none::toString);
    }

    @Test
    void verbosePrintsTheStackTraceBeforeOrAfterTheCommand() {
        for (CliRun run : new CliRun[] {
            CliRun.of("--verbose", "features", "--model", tmp.resolve("none"), "--input", fixture("inputs/img224.npy"),
                    "--out", out),
            CliRun.of("features", "--verbose", "--model", tmp.resolve("none"), "--input", fixture("inputs/img224.npy"),
                    "--out", out)}) {
            assertEquals(2, run.exit(), run::toString);
            assertTrue(run.errLines().get(0).startsWith("clearclip features: "), run::toString);
            assertTrue(run.err().contains("\tat "), run::toString);
        }
    }

    @Test
    void helpAndVersionExitZero() {
        CliRun help = CliRun.of("predict", "--help");
        assertEquals(0, help.exit(), help::toString);
        for (String flag : new String[] {"--model", "--preset", "--classes", "--resize-short", "--crop", "--stride",
            "--prob-thd", "--logit-scale", "--image", "--tensor", "--original-size", "--out-labels", "--out-mask",
            "--out-json", "--overlay", "--out-confidence"}) {
            assertTrue(help.out().contains(flag), flag);
        }
        CliRun version = CliRun.of("--version");
        assertEquals(0, version.exit(), version::toString);
        assertTrue(version.out().startsWith("clearclip"), version::toString);
    }
}
