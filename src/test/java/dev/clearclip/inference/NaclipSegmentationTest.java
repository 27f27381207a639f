package dev.clearclip.inference;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.config.Method;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.io.Npy;
import dev.clearclip.model.ClipModel;
import dev.clearclip.model.Goldens;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;
import dev.clearclip.model.TinyCheckpoints;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.weights.Towers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static dev.clearclip.model.Goldens.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * NACLIP's two segmentation cases (fixtures/methods/naclip_cases.json) from the normalised tensor to the labels,
 * with and without PAMR: slide 224/112, and the official VOC21 whole-image run (21x31 patches of a 336x504 image,
 * the 8 uncovered columns stretched over).
 */
class NaclipSegmentationTest {
    private static final String DIR = "methods/naclip/";
    private static ClipModel model;
    private static JsonNode cases;

    @BeforeAll
    static void load() throws IOException {
        model = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.NACLIP, Towers.VISION, Device.cpu());
        try (InputStream in = NaclipSegmentationTest.class.getResourceAsStream("/fixtures/methods/naclip_cases.json")) {
            cases = new ObjectMapper().readTree(in);
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The SCLIP-family VOC21 queries (56 words, 21 classes) embedded by the official code. */
    static QueryEmbeddings voc21Queries(String features) throws IOException {
        JsonNode q;
        try (InputStream in = NaclipSegmentationTest.class.getResourceAsStream("/fixtures/methods/text/voc21s_queries.json")) {
            q = new ObjectMapper().readTree(in);
        }
        int[] classOf = new int[q.get("query_idx").size()];
        for (int i = 0; i < classOf.length; i++) {
            classOf[i] = q.get("query_idx").get(i).asInt();
        }
        List<String> names = new ArrayList<>();
        for (int c = 0, j = 0; c < q.get("num_classes").asInt(); c++) {
            while (classOf[j] != c) {
                j++;
            }
            names.add(q.get("query_words").get(j).asText());
        }
        return new QueryEmbeddings("voc21s", "test", names, classOf, 32, Goldens.floats("methods/text/" + features));
    }

    static PreparedImage chelsea(JsonNode c) throws IOException {
        Npy.Array a = Goldens.npy("methods/inputs/chelsea_small_r336_input.npy");
        return new PreparedImage(c.get("ori_shape").get(0).asInt(), c.get("ori_shape").get(1).asInt(),
                (int) a.shape()[2], (int) a.shape()[3], a.floats());
    }

    static SegmentationSettings settings(JsonNode c, int pamrSteps, int windowBatch) {
        return settings(c, pamrSteps, windowBatch, Precision.FP32);
    }

    static SegmentationSettings settings(JsonNode c, int pamrSteps, int windowBatch, Precision precision) {
        return new SegmentationSettings(336, 2048, c.get("slide_crop").asInt(), c.get("slide_stride").asInt(),
                c.get("prob_thd").asDouble(), c.get("logit_scale").asDouble(), LastBlockVariant.NACLIP, precision,
                windowBatch, SegmentationSettings.DEFAULT_MAX_PIXELS, Method.NACLIP, pamrSteps, List.of(8, 16), 5.0, null);
    }

    /** bf16 keeps >= 99.5 % of NACLIP's fp32 labels on its official cases, PAMR on and off. */
    @ParameterizedTest
    @CsvSource({"seg_voc21_slide,0", "seg_voc21_slide,10", "seg_voc21_official,0", "seg_voc21_official,10"})
    void bf16KeepsTheLabels(String name, int pamr) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.clearclip.model.Bf16Support.cpuHasAvx512Bf16(),
                dev.clearclip.model.Bf16Support.SKIP);
        JsonNode c = cases.get(name);
        PreparedImage image = chelsea(c);
        List<QueryEmbeddings> queries = List.of(voc21Queries("tiny_voc21s_query_features.npy"));
        int[] full;
        try (SlidingWindowInference fp32 = new SlidingWindowInference(model, settings(c, pamr, 2), queries,
                OutputOptions.defaults())) {
            full = fp32.segment(List.of(image)).get(0).get(0).labels();
        }
        int[] half;
        try (ClipModel bf16 = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.NACLIP, Towers.VISION,
                Device.cpu(), Precision.BF16);
             SlidingWindowInference s = new SlidingWindowInference(bf16, settings(c, pamr, 2, Precision.BF16),
                     queries, OutputOptions.defaults())) {
            half = s.segment(List.of(image)).get(0).get(0).labels();
        }
        int same = 0;
        for (int i = 0; i < full.length; i++) {
            same += full[i] == half[i] ? 1 : 0;
        }
        double agreement = (double) same / full.length;
        System.out.printf("naclip %s pamr %d: bf16 labels agree with fp32 on %.4f %% of %d pixels%n", name, pamr,
                100 * agreement, full.length);
        org.junit.jupiter.api.Assertions.assertTrue(agreement >= 0.995, name + " pamr " + pamr + ": " + agreement);
    }

    @ParameterizedTest
    @CsvSource({"seg_voc21_slide,0,3", "seg_voc21_slide,10,8", "seg_voc21_official,0,1", "seg_voc21_official,10,1"})
    void labelsEqualTheOfficialOnes(String name, int pamr, int windowBatch) throws IOException {
        JsonNode c = cases.get(name);
        PreparedImage image = chelsea(c);
        String prefix = pamr > 0 ? "pamr_" : "";
        try (SlidingWindowInference segmenter = new SlidingWindowInference(model, settings(c, pamr, windowBatch),
                List.of(voc21Queries("tiny_voc21s_query_features.npy")), OutputOptions.defaults())) {
            float[][] windows = segmenter.windowLogits(image);
            assertEquals(c.get("windows").size(), windows.length, "window count");
            double w = assertClose(name + " window0", Goldens.floats(DIR + name + "/window0_patch_logits.npy"), windows[0], 2e-6);
            if (name.equals("seg_voc21_slide")) {
                assertClose(name + " window5", Goldens.floats(DIR + name + "/window5_patch_logits.npy"), windows[5], 2e-6);
            }
            LabelMap map = segmenter.segment(List.of(image)).get(0).get(0);
            double p = assertClose(name + " " + prefix + "max_prob", Goldens.floats(DIR + name + "/" + prefix + "max_prob.npy"),
                    map.confidence(), pamr > 0 ? 1e-4 : 2e-5);
            int[] gold = Goldens.npy(DIR + name + "/" + prefix + "seg_pred.npy").ints();
            byte[] ambiguous = Goldens.npy(DIR + name + "/" + prefix + "ambiguous_mask.npy").bytes();
            int mismatches = 0;
            int exact = 0;
            for (int i = 0; i < gold.length; i++) {
                if (gold[i] != map.labels()[i]) {
                    mismatches += ambiguous[i] == 0 ? 1 : 0;
                } else {
                    exact++;
                }
            }
            assertEquals(0, mismatches, name + ": labels differing outside the ambiguous mask");
            System.out.println("naclip " + name + " pamr " + pamr + ": window0 max |diff| " + w + ", max_prob " + p
                    + ", labels equal " + exact + "/" + gold.length);
        }
    }
}
