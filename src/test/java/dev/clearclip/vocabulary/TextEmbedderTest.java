package dev.clearclip.vocabulary;

import ai.djl.Device;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.ClipModel;
import dev.clearclip.model.Goldens;
import dev.clearclip.model.TinyCheckpoints;
import dev.clearclip.weights.Towers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The 80-template ensemble against the official query features, from the class file onward. */
class TextEmbedderTest {
    private static ClipModel model;

    @BeforeAll
    static void load() {
        model = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.CLEARCLIP, Towers.TEXT, Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"voc21", "synonyms"})
    void queryFeaturesMatchTheOfficialEnsemble(String key) throws IOException {
        String text;
        try (var in = TextEmbedderTest.class.getResourceAsStream("/fixtures/text/cls_" + key + ".txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        QueryEmbeddings q = TextEmbedder.withImageNetTemplates(model).embed(Vocabulary.parse(key, text));
        Goldens.assertClose(key + " query features", Goldens.floats("text/" + key + "_query_features.npy"), q.features(), 1e-6);
        Goldens.assertClose(key + " raw prompt 0", java.util.Arrays.copyOf(Goldens.floats("text/" + key + "_text_raw.npy"), 32),
                rawFirstPrompt(q.vocabulary()), 1e-5);
        assertArrayEquals(Vocabulary.parse(key, text).classOfQuery(), q.classOfQuery());
    }

    private static float[] rawFirstPrompt(String key) {
        String first = key.equals("voc21") ? "background" : "background";
        int[][] tokens = dev.clearclip.tokenizer.ClipTokenizer.bundled()
                .tokenize(java.util.List.of(PromptTemplates.apply(PromptTemplates.imageNet80().get(0), first)), 77);
        try (var scope = model.newScope()) {
            return model.textFeatures(scope, tokens).toFloatArray();
        }
    }
}
