package dev.clearclip.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.config.Method;
import dev.clearclip.config.SegmentationRequest;
import dev.clearclip.config.SettingOverrides;
import dev.clearclip.model.Correction;
import dev.clearclip.model.EncoderFlops;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.weights.ClipConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** A method and its settings reach the settings JSON and the rerun key (SC-CLIP as the example). */
class MethodSettingsKeyTest {

    private static PipelinePlan plan(SettingOverrides overrides) {
        SegmentationRequest request = SegmentationRequest.of(List.of("voc21")).withOverrides(overrides);
        return PipelinePlan.withQueries("m", "sha", request, v -> new QueryEmbeddings(v.name(), v.sha256(),
                v.classNames(), v.classOfQuery(), 2, new float[v.classOfQuery().length * 2]));
    }

    @Test
    void typicalImageWorkCountsEachEncoderPassOnceWithItsWindows() {
        ClipConfig vitB16 = dev.clearclip.bench.RandomClip.config("random:ViT-B/16");
        double window448 = EncoderFlops.perWindow(vitB16, LastBlockVariant.CLEARCLIP, 28, 28) / 1e9;
        // a 640x480 photo resized to 597x448 takes two 448 windows
        assertEquals(2 * window448, PipelinePlan.typicalImageGflop(vitB16, plan(SettingOverrides.none())
                .vocabularies()), 1e-9);
        assertEquals(298.5, 2 * window448, 0.1, "bench's ViT-B/16 VOC21 figure");
        SegmentationRequest two = SegmentationRequest.of(List.of("voc21", "context60"));
        PipelinePlan shared = PipelinePlan.withQueries("m", "sha", two, v -> new QueryEmbeddings(v.name(),
                v.sha256(), v.classNames(), v.classOfQuery(), 2, new float[v.classOfQuery().length * 2]));
        assertEquals(1, shared.passes().size());
        assertEquals(2 * window448, PipelinePlan.typicalImageGflop(vitB16, shared.vocabularies()), 1e-9,
                "vocabularies sharing windows share the pass");
    }

    @Test
    void scclipAndItsAreaThresholdAreInTheSettingsAndTheKey() throws IOException {
        PipelinePlan scclip = plan(SettingOverrides.none().withMethod(Method.parse("scclip")));
        JsonNode s = new ObjectMapper().readTree(scclip.settingsJson(0, "cpu", Precision.FP32)).get("segmentation");
        assertEquals("SCCLIP", s.get("method").asText());
        assertEquals("SCCLIP", s.get("attention").asText());
        assertEquals(0.1, s.get("areaThreshold").asDouble(), "the SC-CLIP VOC21 preset's area filter");
        assertEquals(50.0, s.get("logitScale").asDouble());
        assertEquals(56, scclip.vocabularies().get(0).queries().queries(), "SC-CLIP's VOC21 class file");

        PipelinePlan sclip = plan(SettingOverrides.none().withMethod(Method.SCLIP));
        PipelinePlan noArea = plan(new SettingOverrides(null, null, null, null, 0.15, 50.0, null, null, null, null,
                Method.SCCLIP, null, null, null, -1.0));
        assertNotEquals(scclip.labelSettingsHash(0), sclip.labelSettingsHash(0));
        assertNotEquals(scclip.labelSettingsHash(0), noArea.labelSettingsHash(0));
        assertEquals(scclip.labelSettingsHash(0),
                plan(SettingOverrides.none().withMethod(Method.SCCLIP)).labelSettingsHash(0), "stable");
    }

    @Test
    void correctionsAreInTheSettingsTheKeyAndTheEncoderKeyButTheOfficialKeyIsUnchanged() throws IOException {
        SettingOverrides scclip = SettingOverrides.none().withMethod(Method.SCCLIP);
        PipelinePlan official = plan(scclip);
        assertEquals("836b10c9e5306c6a", official.labelSettingsHash(0),
                "the key SC-CLIP's VOC21 settings had before --corrected existed: earlier runs stay done");
        PipelinePlan lof = plan(with(scclip, "lof"));
        PipelinePlan padding = plan(with(scclip, "padding"));
        JsonNode s = new ObjectMapper().readTree(lof.settingsJson(0, "cpu", Precision.FP32)).get("segmentation");
        assertEquals("[\"LOF\"]", s.get("corrections").toString());
        assertNotEquals(official.labelSettingsHash(0), lof.labelSettingsHash(0));
        assertNotEquals(official.labelSettingsHash(0), padding.labelSettingsHash(0));
        assertNotEquals(lof.labelSettingsHash(0), padding.labelSettingsHash(0));
        assertEquals(plan(with(scclip, "lof,padding")).labelSettingsHash(0),
                plan(with(scclip, "padding, lof")).labelSettingsHash(0), "order of the list does not matter");
        assertEquals(official.labelSettingsHash(0), plan(with(scclip, "none")).labelSettingsHash(0));

        assertNotEquals(official.encoderKey("cpu"), lof.encoderKey("cpu"), "the textbook LOF is another encoder");
        assertEquals(official.encoderKey("cpu"), padding.encoderKey("cpu"), "padding changes windows, not the encoder");
    }

    private static SettingOverrides with(SettingOverrides o, String corrections) {
        return new SettingOverrides(o.resizeShort(), o.resizeLong(), o.crop(), o.stride(), o.probThd(), o.logitScale(),
                o.lastBlock(), o.precision(), o.windowBatch(), o.maxPixels(), o.method(), o.pamrSteps(),
                o.pamrDilations(), o.gaussianStd(), o.areaThd(), Correction.parseList(corrections));
    }
}
