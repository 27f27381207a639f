package dev.clearclip.inference;

import dev.clearclip.vocabulary.QueryEmbeddings;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.io.Npy;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.ClipModel;
import dev.clearclip.weights.Towers;
import dev.clearclip.model.Goldens;
import dev.clearclip.model.Precision;
import dev.clearclip.model.TinyCheckpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static dev.clearclip.model.Goldens.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The three official segmentation cases, from the normalised tensor onward. */
class SegmentationParityTest {
    private static ClipModel model;
    private static JsonNode cases;

    @BeforeAll
    static void load() throws IOException {
        model = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.CLEARCLIP, Towers.VISION, Device.cpu());
        try (InputStream in = SegmentationParityTest.class.getResourceAsStream("/fixtures/segmentation_cases.json")) {
            cases = new ObjectMapper().readTree(in);
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static QueryEmbeddings queries(String key) throws IOException {
        JsonNode q;
        try (InputStream in = SegmentationParityTest.class.getResourceAsStream("/fixtures/text/" + key + "_queries.json")) {
            q = new ObjectMapper().readTree(in);
        }
        int[] classOf = new int[q.get("query_idx").size()];
        for (int i = 0; i < classOf.length; i++) {
            classOf[i] = q.get("query_idx").get(i).asInt();
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < q.get("num_classes").asInt(); i++) {
            for (int j = 0; j < classOf.length; j++) {
                if (classOf[j] == i) {
                    names.add(q.get("query_words").get(j).asText());
                    break;
                }
            }
        }
        return new QueryEmbeddings(key, "test", names, classOf, 32, Goldens.floats("text/" + key + "_query_features.npy"));
    }

    static PreparedImage input(String name, JsonNode c) throws IOException {
        Npy.Array a = Goldens.npy(name + "/input.npy");
        return new PreparedImage(c.get("ori_shape").get(0).asInt(), c.get("ori_shape").get(1).asInt(),
                (int) a.shape()[2], (int) a.shape()[3], a.floats());
    }

    static SegmentationSettings settings(JsonNode c) {
        return new SegmentationSettings(448, 2048, c.get("slide_crop").asInt(), c.get("slide_stride").asInt(),
                c.get("prob_thd").asDouble(), c.get("logit_scale").asDouble(), LastBlockVariant.CLEARCLIP, Precision.FP32, 3,
                SegmentationSettings.DEFAULT_MAX_PIXELS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"seg_voc21", "seg_voc21_c224s112", "seg_pad_synonyms"})
    void labelMapsEqualTheOfficialOnes(String name) throws IOException {
        JsonNode c = cases.get(name);
        String key = c.get("names_file").asText().replace("text/cls_", "").replace(".txt", "");
        PreparedImage image = input(name, c);
        try (SlidingWindowInference segmenter = new SlidingWindowInference(model, settings(c), List.of(queries(key)), OutputOptions.defaults())) {
            float[][] windows = segmenter.windowLogits(image);
            assertEquals(c.get("windows").size(), windows.length, "window count");
            for (int i = 0; i < windows.length; i++) {
                assertClose(name + " window" + i, Goldens.floats(name + "/window" + i + "_patch_logits.npy"), windows[i], 2e-6);
            }
            LabelMap map = segmenter.segment(List.of(image)).get(0).get(0);
            assertClose(name + " max_prob", Goldens.floats(name + "/max_prob.npy"), map.confidence(), 1e-5);
            int[] gold = Goldens.npy(name + "/seg_pred.npy").ints();
            byte[] ambiguous = Goldens.npy(name + "/ambiguous_mask.npy").bytes();
            int mismatches = 0;
            for (int i = 0; i < gold.length; i++) {
                if (ambiguous[i] == 0 && gold[i] != map.labels()[i]) {
                    mismatches++;
                }
            }
            assertEquals(0, mismatches, name + ": labels differing outside the ambiguous mask");
            long total = 0;
            for (long p : map.pixels()) {
                total += p;
            }
            assertEquals(gold.length, total, "class pixel counts sum to the image");
        }
    }

    @org.junit.jupiter.api.Test
    void wholeImageInferenceMatchesTheReference() throws IOException {
        JsonNode c = cases.get("seg_voc21");
        SegmentationSettings whole = new SegmentationSettings(448, 2048, 0, 0, 0.5, 50, LastBlockVariant.CLEARCLIP,
                Precision.FP32, 1, SegmentationSettings.DEFAULT_MAX_PIXELS);
        try (SlidingWindowInference segmenter = new SlidingWindowInference(model, whole, List.of(queries("voc21")), OutputOptions.defaults())) {
            LabelMap map = segmenter.segment(List.of(input("seg_voc21", c))).get(0).get(0);
            assertClose("whole max_prob", Goldens.floats("extra/whole_voc21_max_prob.npy"), map.confidence(), 1e-5);
            int[] gold = Goldens.npy("extra/whole_voc21_seg_pred.npy").ints();
            byte[] ambiguous = Goldens.npy("extra/whole_voc21_ambiguous_mask.npy").bytes();
            int bad = 0;
            for (int i = 0; i < gold.length; i++) {
                bad += ambiguous[i] == 0 && gold[i] != map.labels()[i] ? 1 : 0;
            }
            assertEquals(0, bad, "whole-image labels differing outside the ambiguous mask");
        }
    }

    @org.junit.jupiter.api.Test
    void batchingWindowsAcrossImagesChangesNothing() throws IOException {
        JsonNode big = cases.get("seg_voc21_c224s112");
        JsonNode small = cases.get("seg_pad_synonyms");
        PreparedImage a = input("seg_voc21_c224s112", big);
        PreparedImage b = input("seg_pad_synonyms", small);
        SegmentationSettings many = new SegmentationSettings(448, 2048, 224, 112, 0.5, 50, LastBlockVariant.CLEARCLIP,
                Precision.FP32, 7, SegmentationSettings.DEFAULT_MAX_PIXELS);
        List<QueryEmbeddings> vocab = List.of(queries("voc21"));
        try (SlidingWindowInference single = new SlidingWindowInference(model, new SegmentationSettings(448, 2048, 224, 112, 0.5, 50,
                     LastBlockVariant.CLEARCLIP, Precision.FP32, 1, SegmentationSettings.DEFAULT_MAX_PIXELS), vocab, OutputOptions.defaults());
             SlidingWindowInference batched = new SlidingWindowInference(model, many, vocab, OutputOptions.defaults())) {
            LabelMap aOne = single.segment(List.of(a)).get(0).get(0);
            LabelMap bOne = single.segment(List.of(b)).get(0).get(0);
            List<List<LabelMap>> both = batched.segment(List.of(a, b));
            assertClose("a", aOne.confidence(), both.get(0).get(0).confidence(), 2e-6); // fp32 GEMM blocking differs with the batch size
            assertClose("b", bOne.confidence(), both.get(1).get(0).confidence(), 2e-6);
            org.junit.jupiter.api.Assertions.assertArrayEquals(aOne.labels(), both.get(0).get(0).labels());
        }
    }

    @org.junit.jupiter.api.Test
    void pseudoLabellingMarksLowConfidencePixelsIgnored() throws IOException {
        JsonNode c = cases.get("seg_pad_synonyms");
        List<QueryEmbeddings> vocab = List.of(queries("synonyms"));
        PreparedImage image = input("seg_pad_synonyms", c);
        try (SlidingWindowInference plain = new SlidingWindowInference(model, settings(c), vocab, OutputOptions.defaults());
             SlidingWindowInference pseudo = new SlidingWindowInference(model, settings(c), vocab, new OutputOptions(false, false, 0.6, 255))) {
            LabelMap a = plain.segment(List.of(image)).get(0).get(0);
            LabelMap b = pseudo.segment(List.of(image)).get(0).get(0);
            int ignored = 0;
            for (int i = 0; i < a.labels().length; i++) {
                boolean low = a.confidence()[i] < 0.6f;
                assertEquals(low ? 255 : a.labels()[i], b.labels()[i], "pixel " + i);
                ignored += low ? 1 : 0;
            }
            long counted = java.util.Arrays.stream(b.pixels()).sum();
            assertEquals(a.labels().length - ignored, counted, "ignored pixels are not counted as a class");
            org.junit.jupiter.api.Assertions.assertTrue(ignored > 0 && ignored < a.labels().length);
        }
    }
}
