package dev.clearclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clearclip.image.ImageDecodeException.Reason;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder();

    @ParameterizedTest
    @ValueSource(strings = {"inputs/chelsea.png", "inputs/chelsea_noicc.png"})
    void pngDecodesToTheSamplesOpenCvGives_colourProfileIgnored(String file) throws Exception {
        RgbImage expected = Fixtures.chelsea();
        RgbImage actual = decoder.decode(Fixtures.bytes(file), file);
        assertEquals(expected.width(), actual.width());
        assertEquals(expected.height(), actual.height());
        assertArrayEquals(expected.rgb(), actual.rgb());
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "bmp", "gif", "tiff"})
    void losslessFormatsRoundTrip(String format) throws Exception {
        RgbImage src = Fixtures.chelsea();
        if (format.equals("gif")) {
            src = quantised(src); // GIF holds at most 256 colours
        }
        byte[] file = TestImages.write(TestImages.toBufferedImage(src), format);
        assertArrayEquals(src.rgb(), decoder.decode(file, "x." + format).rgb());
    }

    @Test
    void rgbaDropsAlphaWithoutCompositing() throws Exception {
        var bi = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        bi.setRGB(0, 0, 0x00_10_20_30); // fully transparent, colour kept
        bi.setRGB(1, 0, 0x80_FF_80_00);
        RgbImage out = decoder.decode(TestImages.write(bi, "png"), "rgba.png");
        assertArrayEquals(bytes(0x10, 0x20, 0x30, 0xFF, 0x80, 0x00), out.rgb());
    }

    @Test
    void greyAndGreyAlphaBecomeEqualRgb() throws Exception {
        var grey = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setPixels(0, 0, 3, 1, new int[] {0, 77, 255});
        assertArrayEquals(bytes(0, 0, 0, 77, 77, 77, 255, 255, 255), decoder.decode(TestImages.write(grey, "png"),
                "grey.png").rgb());

        var cm = new java.awt.image.ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_BYTE);
        var ga = new BufferedImage(cm, cm.createCompatibleWritableRaster(2, 1), false, null);
        ga.getRaster().setPixels(0, 0, 2, 1, new int[] {40, 0, 200, 255});
        assertArrayEquals(bytes(40, 40, 40, 200, 200, 200), decoder.decode(TestImages.write(ga, "png"),
                "grey_alpha.png").rgb());
    }

    @Test
    void sixteenBitKeepsTheHighByteAsOpenCvDoes() throws Exception {
        var cm = new java.awt.image.ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_USHORT);
        var img = new BufferedImage(cm, cm.createCompatibleWritableRaster(2, 1), false, null);
        img.getRaster().setPixels(0, 0, 2, 1, new int[] {0x1234, 0xFFFF, 0x00FF, 0x8000, 0x7FFF, 0x0100});
        byte[] png = TestImages.write(img, "png");
        assertEquals(16, png[24], "IHDR bit depth"); // the writer really wrote 16-bit samples
        assertArrayEquals(bytes(0x12, 0xFF, 0x00, 0x80, 0x7F, 0x01), decoder.decode(png, "rgb16.png").rgb());

        var grey16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey16.getRaster().setPixels(0, 0, 2, 1, new int[] {0xABCD, 0x00FF});
        assertArrayEquals(bytes(0xAB, 0xAB, 0xAB, 0, 0, 0), decoder.decode(TestImages.write(grey16, "png"),
                "grey16.png").rgb());
    }

    @Test
    void palettePngUsesThePaletteColours() throws Exception {
        var icm = new java.awt.image.IndexColorModel(8, 3, bytes(255, 0, 9), bytes(0, 128, 9), bytes(0, 255, 9));
        var img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, icm);
        img.getRaster().setPixels(0, 0, 3, 1, new int[] {2, 0, 1});
        assertArrayEquals(bytes(9, 9, 9, 255, 0, 0, 0, 128, 255), decoder.decode(TestImages.write(img, "png"),
                "palette.png").rgb());

        var binary = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY); // 1-bit: 0 -> 0, 1 -> 255
        binary.getRaster().setPixels(0, 0, 3, 1, new int[] {1, 0, 1});
        assertArrayEquals(bytes(255, 255, 255, 0, 0, 0, 255, 255, 255), decoder.decode(TestImages.write(binary,
                "png"), "1bit.png").rgb());
    }

    @Test
    void jpegDecodesCloseToTheSource() throws Exception {
        RgbImage src = Fixtures.chelsea();
        RgbImage out = decoder.decode(TestImages.write(TestImages.toBufferedImage(src), "jpeg"), "chelsea.jpg");
        assertEquals(src.width(), out.width());
        assertTrue(meanAbsDiff(src, out) < 4, "mean |diff| " + meanAbsDiff(src, out));
    }

    @Test
    void jpegColourProfileIsIgnoredLikeOpenCv() throws Exception {
        byte[] plain = TestImages.write(TestImages.toBufferedImage(Fixtures.chelsea()), "jpeg");
        byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        byte[] tagged = TestImages.insertJpegSegment(plain, 0xE2, TestImages.iccSegment(profile));
        assertArrayEquals(decoder.decode(plain, "plain.jpg").rgb(), decoder.decode(tagged, "icc.jpg").rgb());
    }

    @Test
    void exifOrientationSixRotatesClockwise() throws Exception {
        // stored 32 wide x 16 high: top half red, bottom half blue; orientation 6 = row 0 is the right side
        var bi = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                bi.setRGB(x, y, y < 8 ? 0xFF0000 : 0x0000FF);
            }
        }
        byte[] jpeg = TestImages.write(bi, "jpeg");
        byte[] rotated = TestImages.insertJpegSegment(jpeg, 0xE1, TestImages.exifOrientation(6));
        RgbImage stored = decoder.decode(jpeg, "plain.jpg");
        RgbImage shown = decoder.decode(rotated, "rotated.jpg");
        assertEquals(16, shown.width());
        assertEquals(32, shown.height());
        assertTrue(shown.sample(15, 0, 0) > 200 && shown.sample(15, 0, 2) < 60, "right column red");
        assertTrue(shown.sample(0, 31, 2) > 200 && shown.sample(0, 31, 0) < 60, "left column blue");
        for (int sy = 0; sy < 16; sy++) {
            for (int sx = 0; sx < 32; sx++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(stored.sample(sx, sy, c), shown.sample(15 - sy, sx, c));
                }
            }
        }
    }

    @Test
    void allEightOrientationsMapPixelsAsTheExifSpecSays() {
        // 2x1 stored: A B. Expected display per orientation (tag 1..8), as a tiny picture in rows
        RgbImage ab = new RgbImage(2, 1, bytes(1, 1, 1, 2, 2, 2));
        int[][] expected = {{}, {1, 2}, {2, 1}, {2, 1}, {1, 2}, {1, 2}, {1, 2}, {2, 1}, {2, 1}};
        int[][] size = {{}, {2, 1}, {2, 1}, {2, 1}, {2, 1}, {1, 2}, {1, 2}, {1, 2}, {1, 2}};
        for (int o = 1; o <= 8; o++) {
            RgbImage out = ExifOrientation.apply(ab, o);
            assertEquals(size[o][0], out.width(), "orientation " + o);
            assertEquals(expected[o][0], out.sample(0, 0, 0), "orientation " + o);
            int lx = out.width() - 1;
            int ly = out.height() - 1;
            assertEquals(expected[o][1], out.sample(lx, ly, 0), "orientation " + o);
        }
    }

    @Test
    void ycckJpegIsConvertedToTheRightColours() throws Exception {
        RgbImage out = decoder.decode(resource("/image/cmyk.jpg"), "cmyk.jpg");
        assertEquals(16, out.width());
        assertColour(out, 4, 4, 255, 0, 0);
        assertColour(out, 12, 4, 0, 255, 0);
        assertColour(out, 4, 12, 0, 0, 255);
        assertColour(out, 12, 12, 255, 255, 255);
    }

    @Test
    void webpLosslessIsExactAndLossyIsClose() throws Exception {
        RgbImage png = decoder.decode(resource("/image/quad.png"), "quad.png");
        assertArrayEquals(png.rgb(), decoder.decode(resource("/image/quad_lossless.webp"), "quad.webp").rgb());
        RgbImage lossy = decoder.decode(resource("/image/quad_lossy.webp"), "quad_lossy.webp");
        assertColour(lossy, 4, 4, 255, 0, 0);
        assertColour(lossy, 12, 12, 255, 255, 255);
    }

    @Test
    void truncatedJpegIsReportedNotHalfDecoded() {
        byte[] jpeg = TestImages.write(TestImages.toBufferedImage(Fixtures.chelsea()), "jpeg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
        var e = assertThrows(ImageDecodeException.class, () -> decoder.decode(cut, "cut.jpg"));
        assertEquals(Reason.TRUNCATED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith("cut.jpg: "), e.getMessage());
    }

    @Test
    void truncatedPngIsReported() {
        byte[] png = Fixtures.bytes("inputs/chelsea_noicc.png");
        for (int len : new int[] {12, 40, png.length / 2, png.length - 20}) {
            byte[] cut = Arrays.copyOf(png, len);
            var e = assertThrows(ImageDecodeException.class, () -> decoder.decode(cut, "cut.png"), "length " + len);
            assertTrue(e.reason() == Reason.TRUNCATED || e.reason() == Reason.CORRUPT, e.getMessage());
        }
    }

    @Test
    void corruptPixelDataIsATypedError() {
        byte[] png = Fixtures.bytes("inputs/chelsea_noicc.png");
        byte[] bad = png.clone();
        for (int i = 200; i < 2000; i++) {
            bad[i] = (byte) (i * 31);
        }
        var e = assertThrows(ImageDecodeException.class, () -> decoder.decode(bad, "bad.png"));
        assertTrue(e.reason() == Reason.CORRUPT || e.reason() == Reason.TRUNCATED, e.getMessage());
    }

    @Test
    void emptyTextAndUnknownFormatsAreTypedErrors() {
        assertEquals(Reason.EMPTY, assertThrows(ImageDecodeException.class,
                () -> decoder.decode(new byte[0], "empty.jpg")).reason());
        var text = assertThrows(ImageDecodeException.class, () -> decoder.decode(
                "just some text, renamed to .jpg\n".getBytes(StandardCharsets.UTF_8), "notes.jpg"));
        assertEquals(Reason.NOT_AN_IMAGE, text.reason());
        assertTrue(text.getMessage().contains("notes.jpg"), text.getMessage());
        byte[] heic = new byte[32];
        System.arraycopy("\0\0\0\u0018ftypheic".getBytes(StandardCharsets.ISO_8859_1), 0, heic, 0, 12);
        var e = assertThrows(ImageDecodeException.class, () -> decoder.decode(heic, "photo.heic"));
        assertEquals(Reason.UNSUPPORTED_FORMAT, e.reason());
        assertTrue(e.getMessage().contains("HEIC"), e.getMessage());
    }

    @Test
    void pixelLimitIsCheckedFromTheHeaderBeforeDecoding() {
        var small = new ImageDecoder(1000);
        var e = assertThrows(ImageDecodeException.class,
                () -> small.decode(Fixtures.bytes("inputs/chelsea.png"), "chelsea.png"));
        assertEquals(Reason.TOO_MANY_PIXELS, e.reason());
        assertTrue(e.getMessage().contains("451x300"), e.getMessage());
        // a 300-byte "bomb" claiming 100000 x 100000 pixels: refused without allocating 30 GB
        byte[] tiny = TestImages.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png");
        byte[] bomb = TestImages.pngWithClaimedSize(tiny, 100_000, 100_000);
        assertEquals(Reason.TOO_MANY_PIXELS, assertThrows(ImageDecodeException.class,
                () -> decoder.decode(bomb, "bomb.png")).reason());
        assertThrows(IllegalArgumentException.class, () -> new ImageDecoder(0));
    }

    private static void assertColour(RgbImage img, int x, int y, int r, int g, int b) {
        String got = img.sample(x, y, 0) + "," + img.sample(x, y, 1) + "," + img.sample(x, y, 2);
        assertTrue(Math.abs(img.sample(x, y, 0) - r) <= 24 && Math.abs(img.sample(x, y, 1) - g) <= 24
                && Math.abs(img.sample(x, y, 2) - b) <= 24, "pixel " + x + "," + y + " = " + got + ", expected about "
                + r + "," + g + "," + b);
    }

    private static double meanAbsDiff(RgbImage a, RgbImage b) {
        long sum = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            sum += Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff));
        }
        return (double) sum / a.rgb().length;
    }

    /** Keeps 3-3-2 bits per channel, i.e. at most 256 colours. */
    private static RgbImage quantised(RgbImage img) {
        byte[] q = img.rgb().clone();
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) (q[i] & (i % 3 == 2 ? 0xC0 : 0xE0));
        }
        return new RgbImage(img.width(), img.height(), q);
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = ImageDecoderTest.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }
}
