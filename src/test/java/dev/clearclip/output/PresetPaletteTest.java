package dev.clearclip.output;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PresetPaletteTest {
    @Test
    void cityscapesGetsItsOwnColoursOthersVoc() {
        Palette city = Palette.forVocabulary("cityscapes");
        assertEquals(19, city.size());
        assertEquals(0x804080, city.colour(0)); // road
        assertEquals(0x6B8E23, city.colour(8)); // vegetation
        assertEquals(0x770B20, city.colour(18)); // bicycle
        assertEquals(Palette.voc(256).colour(15), Palette.forVocabulary("voc21").colour(15));
        assertEquals(0xC08080, Palette.forVocabulary("ade20k").colour(15)); // VOC person
    }
}
