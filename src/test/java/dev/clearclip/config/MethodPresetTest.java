package dev.clearclip.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.vocabulary.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every method preset against the official per-benchmark settings (fixtures/methods/settings_tables.json). */
class MethodPresetTest {
    private static final Map<String, String> PRESET = Map.of("VOC21", "voc21", "Context60", "context60",
            "COCO-Object", "coco-object", "VOC20", "voc20", "Context59", "context59", "COCO-Stuff", "coco-stuff",
            "Cityscapes", "cityscapes", "ADE20K", "ade20k");

    @ParameterizedTest
    @CsvSource({"NACLIP,NACLIP", "SCLIP,SCLIP", "SCCLIP,SC-CLIP"})
    void presetsAreTheOfficialConfigs(Method method, String table) throws IOException {
        JsonNode rows;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/methods/settings_tables.json")) {
            rows = new ObjectMapper().readTree(in).get(table).get("rows");
        }
        assertEquals(8, rows.size());
        for (JsonNode r : rows) {
            Preset p = Preset.load(PRESET.get(r.get("benchmark").asText()), method);
            SegmentationSettings s = p.settings();
            String what = method + " " + p.name();
            assertEquals(r.get("short_side").asInt(), s.resizeShort(), what);
            assertEquals(2048, s.resizeLong(), what);
            assertEquals(r.get("slide_crop").asInt(), s.crop(), what);
            assertEquals(r.get("slide_stride").asInt(), s.stride(), what);
            assertEquals(r.get("prob_thd").asDouble(), s.probThreshold(), what);
            assertEquals(r.get("logit_scale").asDouble(), s.logitScale(), what);
            assertEquals(r.get("pamr_steps").asInt(), s.pamrSteps(), what);
            assertEquals(List.of(8, 16), s.pamrDilations(), what);
            if (r.get("area_thd").isNull()) {
                assertNull(s.areaThreshold(), what);
            } else {
                assertEquals(r.get("area_thd").asDouble(), s.areaThreshold(), what);
            }
            assertEquals(method, s.method());
            assertEquals(method.lastBlock(), s.attention());
            Vocabulary v = Vocabulary.parseOfficial(p.name(), p.classesText());
            assertEquals(r.get("n_classes").asInt(), v.size(), what);
            assertEquals(r.get("n_queries").asInt(), v.queries().size(), what);
        }
    }

    @Test
    void naclipVoc21HasTheMethodsOwnClassFile() {
        Vocabulary v = Vocabulary.parseOfficial("voc21", Preset.load("voc21", Method.NACLIP).classesText());
        assertEquals(26, v.classes().get(0).synonyms().size(), "26 background names");
        assertEquals(1, Vocabulary.parse("voc21", Preset.load("voc21").classesText()).classes().get(0).synonyms().size());
        // the official COCO-Object list repeats "bed" (background and class 60): only official files may do that
        String coco = Preset.load("coco-object", Method.NACLIP).classesText();
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.parse("coco", coco));
        assertEquals(81, Vocabulary.parseOfficial("coco", coco).size());
    }

    @Test
    void methodOverridesAndClassFileDefaults() {
        SettingOverrides naclip = new SettingOverrides(null, null, null, null, null, null, null, null, null, null,
                Method.NACLIP, null, null, null, null);
        SegmentationSettings s = VocabularySource.resolve("voc21", Method.NACLIP).settings(null, naclip);
        assertEquals(0, s.crop());
        assertEquals(10, s.pamrSteps());
        SegmentationSettings file = Preset.classFileDefaults(Method.NACLIP);
        assertEquals(224, file.crop());
        assertEquals(336, file.resizeShort());
        assertEquals(LastBlockVariant.NACLIP, file.attention());
        SettingOverrides off = new SettingOverrides(null, null, null, null, null, null, null, null, null, null,
                Method.SCLIP, 0, List.of(4), 3.0, -1.0);
        SegmentationSettings sclip = off.applyTo(Preset.load("voc21", Method.SCLIP).settings());
        assertNull(sclip.areaThreshold(), "a negative area-thd turns the preset's filter off");
        assertEquals(List.of(4), sclip.pamrDilations());
        assertEquals(3.0, sclip.gaussianStd());
        assertEquals(0.1, Preset.load("voc21", Method.SCLIP).settings().areaThreshold());
        assertEquals(0, Preset.load("voc21").settings().pamrSteps(), "ClearCLIP: PAMR off");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Method.parse("clip"));
        assertTrue(e.getMessage().contains("naclip"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SettingOverrides(null, null, null, null, null, null,
                null, null, null, null, null, -1, null, null, null).applyTo(file));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void wholeImageNaclipIsRefusedWhenItsBiasWouldNotFit() {
        SegmentationSettings s = new SettingOverrides(4096, 8192, 0, null, null, null, null, null, null, null)
                .applyTo(Preset.load("voc21", Method.NACLIP).settings());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.validateFor(16));
        assertTrue(e.getMessage().contains("--crop"), e.getMessage());
        Preset.load("voc21", Method.NACLIP).settings().validateFor(16); // 336 x 2048 at most: 29 MB
    }

    @Test
    void scclipWindowsNeedMoreThanThirtyPatches() {
        SegmentationSettings preset = Preset.load("voc21", Method.SCCLIP).settings();
        preset.validateFor(16); // 14 x 14 patches per 224 window
        assertEquals(Method.SCCLIP, Method.parse("scclip"));
        assertEquals(LastBlockVariant.SCCLIP, preset.attention());
        SegmentationSettings small = new SettingOverrides(null, null, 80, 80, null, null, null, null, null, null)
                .applyTo(preset);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small.validateFor(16));
        assertTrue(e.getMessage().contains("5x5 patches") && e.getMessage().contains("--crop"), e.getMessage());
    }
}
