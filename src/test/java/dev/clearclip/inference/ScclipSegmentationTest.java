package dev.clearclip.inference;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.config.Method;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.Preset;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.model.Bf16Support;
import dev.clearclip.model.ClipModel;
import dev.clearclip.model.Goldens;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;
import dev.clearclip.model.TinyCheckpoints;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.weights.Towers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.clearclip.model.Goldens.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SC-CLIP's official VOC21 case (fixtures/methods/scclip_cases.json: slide 224/112 over a 336x504 image, logit scale
 * 50, prob_thd 0.15, area_thd 0.1) from the normalised tensor to the labels, with the windows batched in several ways.
 */
class ScclipSegmentationTest {
    private static final String DIR = "methods/scclip/seg_voc21/";
    private static JsonNode c;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = ScclipSegmentationTest.class.getResourceAsStream("/fixtures/methods/scclip_cases.json")) {
            c = new ObjectMapper().readTree(in).get("seg_voc21");
        }
    }

    static ClipModel model(Precision precision) {
        return ClipModel.load(TinyCheckpoints.tiny12(), LastBlockVariant.SCCLIP, Towers.VISION, Device.cpu(), precision);
    }

    /** The official VOC21 preset, which is this case's configuration. */
    static SegmentationSettings settings(Precision precision, int windowBatch) {
        SegmentationSettings p = Preset.load("voc21", Method.SCCLIP).settings();
        assertEquals(c.get("slide_crop").asInt(), p.crop());
        assertEquals(c.get("prob_thd").asDouble(), p.probThreshold());
        assertEquals(c.get("logit_scale").asDouble(), p.logitScale());
        assertEquals(c.get("area_thd").asDouble(), p.areaThreshold());
        return new SegmentationSettings(p.resizeShort(), p.resizeLong(), p.crop(), p.stride(), p.probThreshold(),
                p.logitScale(), p.attention(), precision, windowBatch, p.maxPixels(), p.method(), p.pamrSteps(),
                p.pamrDilations(), p.gaussianStd(), p.areaThreshold());
    }

    private static LabelMap segment(ClipModel model, SegmentationSettings s, PreparedImage image, float[][] windows)
            throws IOException {
        try (SlidingWindowInference segmenter = new SlidingWindowInference(model, s,
                List.of(NaclipSegmentationTest.voc21Queries("tiny12_voc21s_query_features.npy")), OutputOptions.defaults())) {
            if (windows != null) {
                float[][] w = segmenter.windowLogits(image);
                System.arraycopy(w, 0, windows, 0, w.length);
            }
            return segmenter.segment(List.of(image)).get(0).get(0);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void labelsEqualTheOfficialOnes(int windowBatch) throws IOException {
        PreparedImage image = NaclipSegmentationTest.chelsea(c);
        float[][] windows = new float[c.get("windows").size()][];
        LabelMap map;
        try (ClipModel model = model(Precision.FP32)) {
            map = segment(model, settings(Precision.FP32, windowBatch), image, windows);
        }
        double w = 0;
        for (int i = 0; i < windows.length; i++) {
            w = Math.max(w, assertClose("window" + i, Goldens.floats(DIR + "window" + i + "_patch_logits.npy"),
                    windows[i], 2e-6));
        }
        double p = assertClose("max_prob", Goldens.floats(DIR + "max_prob.npy"), map.confidence(), 5e-6);
        int[] gold = Goldens.npy(DIR + "seg_pred.npy").ints();
        byte[] ambiguous = Goldens.npy(DIR + "ambiguous_mask.npy").bytes();
        int mismatches = 0;
        int exact = 0;
        Map<Integer, Integer> histogram = new TreeMap<>();
        for (int i = 0; i < gold.length; i++) {
            histogram.merge(map.labels()[i], 1, Integer::sum);
            if (gold[i] != map.labels()[i]) {
                mismatches += ambiguous[i] == 0 ? 1 : 0;
            } else {
                exact++;
            }
        }
        assertEquals(0, mismatches, "labels differing outside the ambiguous mask");
        assertEquals(0, histogram.getOrDefault(5, 0), "class 5 (146 px before the area filter) is removed");
        System.out.println("scclip seg_voc21 window batch " + windowBatch + ": window logits max |diff| " + w
                + ", max_prob " + p + ", labels equal " + exact + "/" + gold.length + " " + histogram);
    }

    @Test
    void bf16LabelsAgreeWithFp32() throws IOException {
        assumeTrue(Bf16Support.cpuHasAvx512Bf16(), Bf16Support.SKIP);
        PreparedImage image = NaclipSegmentationTest.chelsea(c);
        int[] full;
        int[] half;
        try (ClipModel model = model(Precision.FP32)) {
            full = segment(model, settings(Precision.FP32, 4), image, null).labels();
        }
        try (ClipModel model = model(Precision.BF16)) {
            half = segment(model, settings(Precision.BF16, 4), image, null).labels();
        }
        int same = 0;
        for (int i = 0; i < full.length; i++) {
            same += full[i] == half[i] ? 1 : 0;
        }
        double agreement = (double) same / full.length;
        System.out.printf("scclip seg_voc21: bf16 labels agree with fp32 on %.4f %% of %d pixels%n", 100 * agreement,
                full.length);
        assertTrue(agreement >= 0.99, "bf16 agrees with fp32 on only " + 100 * agreement + " % of pixels");
    }
}
