package dev.clearclip.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class LabelPngTest {

    @Test
    void vocPaletteHasTheWellKnownColours() {
        Palette p = Palette.voc(256);
        assertEquals(0x000000, p.colour(0));
        assertEquals(0x800000, p.colour(1)); // aeroplane
        assertEquals(0x008000, p.colour(2)); // bicycle
        assertEquals(0x808000, p.colour(3));
        assertEquals(0x000080, p.colour(4));
        assertEquals(0xC08080, p.colour(15)); // person (192, 128, 128)
        assertEquals(0x004080, p.colour(20)); // tvmonitor (0, 64, 128)
        assertEquals(0xE0E0C0, p.colour(255)); // VOC's "void" border colour
    }

    @Test
    void smallLabelSetsBecomeAVocPalettePng() throws Exception {
        int[] labels = {0, 1, 15, 255, 20, 0};
        byte[] png = LabelPng.encode(labels, 3, 2, 21);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertTrue(img.getColorModel() instanceof IndexColorModel, "palette PNG");
        assertEquals(8, img.getColorModel().getPixelSize());
        assertEquals(0xC08080, img.getRGB(2, 0) & 0xFFFFFF, "viewers see the VOC colour of label 15");
        assertArrayEquals(labels, LabelPng.decode(png));
    }

    @Test
    void manyClassesBecomeSixteenBitGrey() throws Exception {
        int[] labels = {0, 300, 1000, 1499};
        byte[] png = LabelPng.encode(labels, 2, 2, 1500);
        assertEquals(16, png[24], "IHDR bit depth");
        assertEquals(0, png[25], "IHDR colour type grey");
        assertArrayEquals(labels, LabelPng.decode(png));
    }

    @Test
    void rejectsLabelsOutsideTheClassRange() {
        var e = assertThrows(IllegalArgumentException.class, () -> LabelPng.encode(new int[] {0, 21}, 2, 1, 21));
        assertTrue(e.getMessage().contains("21") && e.getMessage().contains("(1, 0)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LabelPng.encode(new int[] {-1}, 1, 1, 21));
        assertThrows(IllegalArgumentException.class, () -> LabelPng.encode(new int[] {300}, 1, 1, 300));
        assertThrows(IllegalArgumentException.class, () -> LabelPng.encode(new int[] {0, 0}, 3, 1, 21));
    }

    @Test
    void confidenceIsRoundedAndClamped() throws Exception {
        float[] p = {0f, 1f, 0.5f, 0.2f, -0.1f, 1.5f};
        byte[] png = ConfidencePng.encode(p, 3, 2);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType());
        // 0.5 * 255 = 127.5 -> 128; 0.2 * 255 = 51.000004 -> 51
        assertArrayEquals(new int[] {0, 255, 128, 51, 0, 255}, img.getRaster().getPixels(0, 0, 3, 2, (int[]) null));
        assertThrows(IllegalArgumentException.class, () -> ConfidencePng.encode(new float[] {Float.NaN}, 1, 1));
    }
}
