package dev.clearclip.bench;

import dev.clearclip.model.EncoderFlops;
import dev.clearclip.model.IntraOpThreads;
import ai.djl.Device;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.weights.ClipConfig;
import dev.clearclip.model.ClipModel;
import dev.clearclip.weights.ClipCheckpoint;
import dev.clearclip.weights.Towers;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchPartsTest {

    @Test
    void randomViTB16HasClipsShapes() {
        ClipConfig c = RandomClip.config("random:ViT-B/16");
        assertEquals(512, c.embedDim());
        assertEquals(new ClipConfig.Vision(224, 16, 768, 12, 12, 3072), c.vision());
        assertEquals(new ClipConfig.Text(77, 49408, 512, 12, 8, 2048), c.text());
        ClipConfig l = RandomClip.config("random:ViT-L/14");
        assertEquals(new ClipConfig.Vision(224, 14, 1024, 24, 16, 4096), l.vision());
        assertEquals(768, l.embedDim());
        assertThrows(IllegalArgumentException.class, () -> RandomClip.config("random:ViT-H/14"));
    }

    @Test
    void randomWeightsLoadAndAreSeeded() {
        ClipCheckpoint a = RandomClip.vision("random:tiny", 3);
        ClipCheckpoint b = RandomClip.vision("random:tiny", 3);
        assertArrayEquals(a.require("visual.proj").data(), b.require("visual.proj").data());
        float[] image = new float[3 * 224 * 224];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) Math.sin(i * 0.01);
        }
        try (ClipModel m = ClipModel.load(a, LastBlockVariant.CLEARCLIP, Towers.VISION, Device.cpu())) {
            float[] f = m.normalisedDenseFeatures(image, 1, 224, 224);
            assertEquals(14 * 14 * 32, f.length);
            for (float v : f) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void flopsOfOneWindowMatchAHandCount() {
        // width 64, 2 layers, mlp 256, patch 16, embed 32; a 2x3 grid: 6 patches, 7 tokens
        ClipConfig c = RandomClip.config("random:tiny");
        double conv = 2.0 * 6 * 64 * 3 * 16 * 16;
        double attend = 4.0 * 7 * 7 * 64;
        double standard = 2.0 * 7 * 64 * 192 + attend + 2.0 * 7 * 64 * 64 + 4.0 * 7 * 64 * 256;
        double clear = 2.0 * 7 * 64 * 128 + attend + 2.0 * 7 * 64 * 64;
        double proj = 2.0 * 7 * 64 * 32;
        assertEquals(conv + standard + clear + proj, EncoderFlops.perWindow(c, LastBlockVariant.CLEARCLIP, 2, 3), 1e-6);
        assertEquals(conv + 2 * standard + proj, EncoderFlops.perWindow(c, LastBlockVariant.VANILLA, 2, 3), 1e-6);
        assertEquals(conv + 2 * standard + attend + proj, EncoderFlops.perWindow(c, LastBlockVariant.SCLIP, 2, 3), 1e-6);
    }

    @Test
    void threadsAreCoresPerTask() {
        assertEquals(2, IntraOpThreads.perTask(2, 1));
        assertEquals(1, IntraOpThreads.perTask(2, 2));
        assertEquals(1, IntraOpThreads.perTask(2, 4));
        assertThrows(IllegalArgumentException.class, () -> IntraOpThreads.perTask(2, 0));
    }

    @Test
    void sizeIsParsedOrNamed() {
        assertArrayEquals(new int[] {597, 448}, dev.clearclip.cli.BenchCommand.parseSize("597x448"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dev.clearclip.cli.BenchCommand.parseSize("597"));
        assertTrue(e.getMessage().contains("'597'"), e.getMessage());
    }

    @Test
    void benchRunsTheFullPathOnATinyRandomModel() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = dev.clearclip.cli.Main.run(new String[] {"bench", "--model", "random:tiny", "--preset", "voc21",
                "--images", "6", "--batch", "2", "--workers", "2", "--size", "300x200"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8), System.err);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("resized 672x448, 2 windows"), text);
        assertTrue(text.contains("RESULT method=clearclip attention=clearclip pamr=0 precision=fp32"), text);
        assertTrue(text.contains("failed=0"), text);
    }

    @Test
    void benchTimesNaclipAndItsPamr() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = dev.clearclip.cli.Main.run(new String[] {"bench", "--model", "random:tiny", "--preset", "voc21",
                "--method", "naclip", "--images", "2", "--batch", "1", "--workers", "1", "--size", "120x80"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8), System.err);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        // NACLIP's VOC21 config: whole image at short side 336, PAMR 10 x (8, 16)
        assertTrue(text.contains("resized 504x336, 1 windows of 504x336"), text);
        assertTrue(text.contains("RESULT method=naclip attention=naclip pamr=10"), text);
        assertTrue(text.matches("(?s).*PAMR 10 steps, dilations \\[8, 16\\] at 120x80: [0-9.]+ ms per image.*"), text);
    }
}
