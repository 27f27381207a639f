package dev.clearclip.model;

import dev.clearclip.weights.Towers;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.clearclip.io.Npy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;

import static dev.clearclip.model.Goldens.assertClose;
import static dev.clearclip.model.Goldens.floats;

/** Text tower against the goldens: per-prompt raw embeddings and the probe prompt. */
class TextParityTest {
    private static ClipModel model;

    @BeforeAll
    static void load() throws IOException {
        model = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.CLEARCLIP, Towers.TEXT, Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static int[][] rows(Npy.Array tokens) {
        int[] flat = tokens.ints();
        int width = (int) tokens.shape()[tokens.shape().length - 1];
        int[][] rows = new int[flat.length / width][width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(flat, i * width, rows[i], 0, width);
        }
        return rows;
    }

    @ParameterizedTest
    @ValueSource(strings = {"voc21", "synonyms"})
    void everyPromptEmbeddingMatches(String vocabulary) throws IOException {
        int[][] tokens = rows(Goldens.npy("text/" + vocabulary + "_tokens.npy"));
        try (NDManager scope = model.newScope()) {
            NDArray raw = model.textFeatures(scope, tokens);
            assertClose(vocabulary + " text_raw", floats("text/" + vocabulary + "_text_raw.npy"), raw.toFloatArray(), 1e-5);
        }
    }

    @Test
    void probePromptMatches() throws IOException {
        int[][] tokens = rows(Goldens.npy("text/probe_tokens.npy"));
        try (NDManager scope = model.newScope()) {
            NDArray raw = model.textFeatures(scope, tokens);
            assertClose("probe", floats("text/probe_text_embedding.npy"), raw.toFloatArray(), 5e-6);
        }
    }
}
