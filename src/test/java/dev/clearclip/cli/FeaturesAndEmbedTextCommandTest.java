package dev.clearclip.cli;

import dev.clearclip.io.Npy;
import dev.clearclip.model.Goldens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;

import static dev.clearclip.cli.CliRun.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** features and embed-text as other checks drive them, against the official code's goldens. */
class FeaturesAndEmbedTextCommandTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "img224, clearclip, 196, 2e-6",
        "img_wide, clearclip, 294, 5e-6",
        "img224, vanilla, 196, 2e-6",
        "img_wide, vanilla, 294, 5e-6"})
    void denseFeaturesEqualTheGoldens(String input, String attention, int tokens, double tol) throws IOException {
        Path out = tmp.resolve("y.npy");
        CliRun run = CliRun.of("features", "--model", fixture("models/tiny-openclip"),
                "--input", fixture("inputs/" + input + ".npy"), "--out", out, "--attention", attention);
        assertEquals(0, run.exit(), run::toString);
        Npy.Array y = Npy.read(out);
        assertEquals("<f4", y.dtype());
        assertArrayEquals(new long[] {1, tokens, 32}, y.shape());
        Goldens.assertClose(input + " " + attention, Goldens.floats("vision/" + input + "_dense_" + attention + "_norm.npy"),
                y.floats(), tol);
    }

    @Test
    void clearclipIsTheDefaultAttentionAndTheHuggingFaceLayoutGivesTheSameFeatures() throws IOException {
        Path out = tmp.resolve("y.npy");
        CliRun run = CliRun.of("features", "--model", fixture("models/tiny-hf"), "--input", fixture("inputs/img224.npy"),
                "--out", out);
        assertEquals(0, run.exit(), run::toString);
        Goldens.assertClose("hf layout", Goldens.floats("vision/img224_dense_clearclip_norm.npy"),
                Npy.read(out).floats(), 2e-6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-openclip", "tiny-hf"})
    void textEmbeddingsEqualTheGoldenEnsembleInBothLayouts(String model) throws IOException {
        Path out = tmp.resolve("t.npy");
        CliRun run = CliRun.of("embed-text", "--model", fixture("models/" + model),
                "--classes", fixture("text/cls_voc21.txt"), "--out", out);
        assertEquals(0, run.exit(), run::toString);
        Npy.Array t = Npy.read(out);
        assertArrayEquals(new long[] {21, 32}, t.shape());
        Goldens.assertClose(model, Goldens.floats("text/voc21_query_features.npy"), t.floats(), 1e-6);
    }

    @Test
    void synonymsAreExpandedInFileOrder() throws IOException {
        Path out = tmp.resolve("t.npy");
        CliRun run = CliRun.of("embed-text", "--model", fixture("models/tiny-openclip"),
                "--classes", fixture("text/cls_synonyms.txt"), "--out", out);
        assertEquals(0, run.exit(), run::toString);
        float[] gold = Goldens.floats("text/synonyms_query_features.npy");
        assertArrayEquals(new long[] {gold.length / 32, 32}, Npy.read(out).shape());
        Goldens.assertClose("synonyms", gold, Npy.read(out).floats(), 1e-6);
    }

    @Test
    void aPresetNameServesAsTheClassList() throws IOException {
        Path out = tmp.resolve("t.npy");
        CliRun run = CliRun.of("embed-text", "--model", fixture("models/tiny-openclip"), "--classes", "voc21",
                "--out", out);
        assertEquals(0, run.exit(), run::toString);
        Goldens.assertClose("preset", Goldens.floats("text/voc21_query_features.npy"), Npy.read(out).floats(), 1e-6);
    }
}
