package dev.clearclip.inference;

import dev.clearclip.vocabulary.QueryEmbeddings;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Bf16Support;
import dev.clearclip.model.ClipModel;
import dev.clearclip.model.Precision;
import dev.clearclip.model.TinyCheckpoints;
import dev.clearclip.weights.Towers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** --precision bf16 against fp32 on the three official segmentation cases: labels must agree on >= 99.5 % of pixels. */
class Bf16AgreementTest {

    @ParameterizedTest
    @ValueSource(strings = {"seg_voc21", "seg_voc21_c224s112", "seg_pad_synonyms"})
    void bf16LabelsAgreeWithFp32(String name) throws IOException {
        assertAgreement(name, LastBlockVariant.CLEARCLIP);
    }

    /** SCLIP's last block on the same cases (NACLIP's, on its own official cases: NaclipSegmentationTest). */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"seg_voc21,SCLIP", "seg_voc21_c224s112,SCLIP",
            "seg_pad_synonyms,SCLIP"})
    void otherMethodsLastBlocksKeepTheirLabelsInBf16(String name, LastBlockVariant variant) throws IOException {
        assertAgreement(name, variant);
    }

    private void assertAgreement(String name, LastBlockVariant variant) throws IOException {
        assumeTrue(Bf16Support.cpuHasAvx512Bf16(), Bf16Support.SKIP);
        JsonNode c;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/segmentation_cases.json")) {
            c = new ObjectMapper().readTree(in).get(name);
        }
        String key = c.get("names_file").asText().replace("text/cls_", "").replace(".txt", "");
        List<QueryEmbeddings> queries = List.of(SegmentationParityTest.queries(key));
        PreparedImage image = SegmentationParityTest.input(name, c);
        int[] full = labels(Precision.FP32, variant, SegmentationParityTest.settings(c), queries, image);
        int[] half = labels(Precision.BF16, variant, SegmentationParityTest.settings(c), queries, image);
        int same = 0;
        for (int i = 0; i < full.length; i++) {
            if (full[i] == half[i]) {
                same++;
            }
        }
        double agreement = (double) same / full.length;
        System.out.printf("%s, %s: bf16 labels agree with fp32 on %.4f %% of %d pixels%n", name, variant,
                100 * agreement, full.length);
        assertTrue(agreement >= 0.995, name + ", " + variant + ": bf16 agrees with fp32 on only " + 100 * agreement
                + " % of pixels");
    }

    private static int[] labels(Precision precision, LastBlockVariant variant, SegmentationSettings s,
                                List<QueryEmbeddings> queries, PreparedImage image) {
        SegmentationSettings settings = new SegmentationSettings(s.resizeShort(), s.resizeLong(), s.crop(), s.stride(),
                s.probThreshold(), s.logitScale(), variant, precision, s.windowBatch(), s.maxPixels());
        try (ClipModel model = ClipModel.load(TinyCheckpoints.tiny(), variant, Towers.VISION, Device.cpu(),
                precision);
             SlidingWindowInference segmenter = new SlidingWindowInference(model, settings, queries, OutputOptions.defaults())) {
            return segmenter.segment(List.of(image)).get(0).get(0).labels();
        }
    }
}
