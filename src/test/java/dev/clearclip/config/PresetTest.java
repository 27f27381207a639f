package dev.clearclip.config;

import dev.clearclip.vocabulary.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The eight benchmark presets carry the official ClearCLIP settings and class lists. */
class PresetTest {

    @ParameterizedTest
    @CsvSource({"voc21,21,448,0.5", "context60,60,448,0.15", "coco-object,81,448,0.4", "voc20,20,448,0.0",
            "context59,59,448,0.0", "coco-stuff,171,448,0.0", "cityscapes,19,224,0.0", "ade20k,150,448,0.0"})
    void officialSettings(String name, int classes, int crop, double probThd) {
        Preset p = Preset.load(name);
        assertEquals(448, p.settings().resizeShort());
        assertEquals(2048, p.settings().resizeLong());
        assertEquals(crop, p.settings().crop());
        assertEquals(224, p.settings().stride());
        assertEquals(probThd, p.settings().probThreshold());
        assertEquals(50, p.settings().logitScale());
        assertEquals(classes, Vocabulary.parse(name, p.classesText()).size());
    }

    @Test
    void namesAreForgiving() {
        assertEquals("coco-object", Preset.load("COCO_Object").name());
    }

    @Test
    void badSettingsFailWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Preset.load("pascal"));
        assertTrue(e.getMessage().contains("pascal") && e.getMessage().contains("voc21"), e.getMessage());
        SegmentationSettings d = SegmentationSettings.voc21Defaults();
        e = assertThrows(IllegalArgumentException.class, () -> new SegmentationSettings(448, 2048, 448, 224, 1.5, 50,
                d.attention(), d.precision(), 4, 100));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SegmentationSettings(448, 2048, 450, 224, 0.5, 50,
                d.attention(), d.precision(), 4, 100).validateFor(16));
        assertTrue(e.getMessage().contains("450") && e.getMessage().contains("16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VocabularySource.resolve("no-such-file.txt"));
        assertTrue(e.getMessage().contains("no-such-file.txt"), e.getMessage());
    }
}
