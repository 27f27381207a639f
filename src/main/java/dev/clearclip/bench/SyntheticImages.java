package dev.clearclip.bench;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Encoded photo-like test images (smooth colour fields, edges and noise, so JPEG sizes and decode costs are
 * realistic), made once and reused so the timed loop measures decoding, not encoding.
 */
public final class SyntheticImages {
    private SyntheticImages() {
    }

    public static List<byte[]> make(int count, int width, int height, String format, long seed) {
        String f = format.toLowerCase(Locale.ROOT);
        if (!f.equals("jpg") && !f.equals("png")) {
            throw new IllegalArgumentException("image format '" + format + "': expected jpg or png");
        }
        List<byte[]> out = new ArrayList<>(count);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            out.add(encode(draw(width, height, random), f));
        }
        return out;
    }

    private static BufferedImage draw(int width, int height, SplittableRandom random) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        double[] f = new double[9];
        for (int i = 0; i < f.length; i++) {
            f[i] = random.nextDouble(0.5, 6) * Math.PI;
        }
        int edge = random.nextInt(width);
        for (int y = 0; y < height; y++) {
            double v = (double) y / height;
            for (int x = 0; x < width; x++) {
                double u = (double) x / width;
                int r = channel(Math.sin(f[0] * u + f[1] * v) + 0.5 * Math.cos(f[2] * u * v), random);
                int g = channel(Math.cos(f[3] * u - f[4] * v), random);
                int b = channel(Math.sin(f[5] * u * u + f[6] * v) * (x < edge ? 1 : -1), random);
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    private static int channel(double wave, SplittableRandom random) {
        int value = (int) Math.round(128 + 90 * Math.max(-1.4, Math.min(1.4, wave)) + random.nextInt(-12, 13));
        return Math.max(0, Math.min(255, value));
    }

    private static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
