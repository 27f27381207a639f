package dev.clearclip.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Builds small test files with ImageIO's writers plus hand-made JPEG/PNG segments. */
final class TestImages {
    private TestImages() {
    }

    static byte[] write(BufferedImage img, String format) {
        try (var out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format + " / " + img);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage toBufferedImage(RgbImage img) {
        var bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                bi.setRGB(x, y, img.sample(x, y, 0) << 16 | img.sample(x, y, 1) << 8 | img.sample(x, y, 2));
            }
        }
        return bi;
    }

    /** Inserts a marker segment (marker, payload) right after the JPEG's first segment (SOI + APP0/JFIF). */
    static byte[] insertJpegSegment(byte[] jpeg, int marker, byte[] payload) {
        int at = 2;
        if ((jpeg[2] & 0xff) == 0xFF && (jpeg[3] & 0xff) == 0xE0) {
            at = 4 + ((jpeg[4] & 0xff) << 8 | (jpeg[5] & 0xff));
        }
        ByteBuffer b = ByteBuffer.allocate(jpeg.length + 4 + payload.length);
        b.put(jpeg, 0, at).put((byte) 0xFF).put((byte) marker).putShort((short) (payload.length + 2)).put(payload);
        b.put(jpeg, at, jpeg.length - at);
        return b.array();
    }

    /**
     * APP1 payload "Exif\0\0" + big-endian TIFF header + one IFD entry: tag 0x0112 (Orientation), type 3 (SHORT),
     * count 1, value in the first 2 of the 4 value bytes, then "no next IFD".
     */
    static byte[] exifOrientation(int orientation) {
        ByteBuffer b = ByteBuffer.allocate(6 + 8 + 2 + 12 + 4);
        b.put("Exif".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) 0);
        b.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        b.putShort((short) 1);
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        b.putInt(0);
        return b.array();
    }

    /** APP2 payload "ICC_PROFILE\0", chunk 1 of 1, profile bytes. */
    static byte[] iccSegment(byte[] profile) {
        ByteBuffer b = ByteBuffer.allocate(14 + profile.length);
        b.put("ICC_PROFILE".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) 1).put((byte) 1);
        return b.put(profile).array();
    }

    /** A PNG whose IHDR claims another size (CRC recomputed), to test the header check without the pixels. */
    static byte[] pngWithClaimedSize(byte[] png, int width, int height) {
        byte[] out = png.clone();
        // signature (8) + IHDR length (4) + "IHDR" (4) -> width at 16, height at 20; CRC over type+data at 29
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(out, 12, 4 + 13);
        b.putInt(29, (int) crc.getValue());
        return out;
    }
}
