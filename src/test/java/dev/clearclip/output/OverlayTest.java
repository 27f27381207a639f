package dev.clearclip.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clearclip.image.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OverlayTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void tintsClassesLeavesBackgroundAndAddsALegend() throws Exception {
        int w = 120;
        int h = 80;
        byte[] rgb = new byte[w * h * 3];
        java.util.Arrays.fill(rgb, (byte) 200); // light grey photo
        int[] labels = new int[w * h];
        for (int y = 20; y < 60; y++) {
            for (int x = 10; x < 50; x++) {
                labels[y * w + x] = 8; // cat
            }
            for (int x = 70; x < 110; x++) {
                labels[y * w + x] = 15; // person
            }
        }
        List<String> names = List.of("background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car",
                "cat", "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person");
        Palette palette = Palette.voc(256);
        byte[] png = Overlay.render(new RgbImage(w, h, rgb), labels, names, palette);
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "overlay-test.png"), png);

        BufferedImage out = ImageIO.read(new ByteArrayInputStream(png));
        assertTrue(out.getWidth() > w, "legend beside the photo");
        assertEquals(0xC8C8C8, out.getRGB(2, 2) & 0xFFFFFF, "background untinted");
        int cat = palette.colour(8); // (64, 0, 0): half-way blend with grey 200 -> (132, 100, 100)
        assertEquals(blend(0xC8C8C8, cat), out.getRGB(30, 40) & 0xFFFFFF, "cat tinted");
        assertEquals(blend(0xC8C8C8, palette.colour(15)), out.getRGB(90, 40) & 0xFFFFFF, "person tinted");
        // the legend has dark text pixels
        int dark = 0;
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = w; x < out.getWidth(); x++) {
                dark += (out.getRGB(x, y) & 0xFF) < 80 ? 1 : 0;
            }
        }
        assertTrue(dark > 20, "legend text drawn");
    }

    private static int blend(int a, int b) {
        int r = Math.round(((a >> 16) & 0xff) * 0.5f + ((b >> 16) & 0xff) * 0.5f);
        int g = Math.round(((a >> 8) & 0xff) * 0.5f + ((b >> 8) & 0xff) * 0.5f);
        int bl = Math.round((a & 0xff) * 0.5f + (b & 0xff) * 0.5f);
        return r << 16 | g << 8 | bl;
    }
}
