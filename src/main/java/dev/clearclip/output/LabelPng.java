package dev.clearclip.output;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Label maps as PNG, the usual format of segmentation ground truth: an 8-bit palette PNG (VOC colours, pixel value =
 * label, so ordinary viewers show colours and evaluation tools read labels) when every label fits in a byte, else
 * 16-bit greyscale (pixel value = label).
 */
public final class LabelPng {
    /** The conventional "ignore" label of VOC/ADE ground truth; allowed in 8-bit maps besides 0..numClasses-1. */
    public static final int IGNORE = 255;

    private LabelPng() {
    }

    public static byte[] encode(int[] labels, int width, int height, int numClasses) {
        checkSize(labels, width, height);
        if (numClasses <= 0 || numClasses > 65536) {
            throw new IllegalArgumentException("numClasses must be in 1..65536, got " + numClasses);
        }
        boolean eightBit = numClasses <= 256;
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            boolean ok = l >= 0 && (l < numClasses || (eightBit && l == IGNORE));
            if (!ok) {
                throw new IllegalArgumentException("label " + l + " at pixel (" + i % width + ", " + i / width
                        + ") is outside 0.." + (numClasses - 1) + (eightBit ? " and not " + IGNORE : ""));
            }
        }
        BufferedImage img;
        if (eightBit) {
            int[] c = Palette.voc(256).colours();
            byte[] r = new byte[256];
            byte[] g = new byte[256];
            byte[] b = new byte[256];
            for (int i = 0; i < 256; i++) {
                r[i] = (byte) (c[i] >> 16);
                g[i] = (byte) (c[i] >> 8);
                b[i] = (byte) c[i];
            }
            img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, r, g, b));
            byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < labels.length; i++) {
                px[i] = (byte) labels[i];
            }
        } else {
            img = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
            short[] px = ((DataBufferUShort) img.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < labels.length; i++) {
                px[i] = (short) labels[i];
            }
        }
        return png(img);
    }

    /** Labels (row-major) of a PNG written by {@link #encode} or any palette / greyscale label PNG. */
    public static int[] decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        if (img == null) {
            throw new IOException("not a PNG label map (no reader recognised the " + png.length + " bytes)");
        }
        if (img.getRaster().getNumBands() != 1) {
            throw new IOException("a label map has one band (palette or grey), this image has "
                    + img.getRaster().getNumBands());
        }
        return img.getRaster().getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
    }

    static void checkSize(Object values, int width, int height) {
        int n = values instanceof int[] a ? a.length : ((float[]) values).length;
        if (width <= 0 || height <= 0 || (long) width * height != n) {
            throw new IllegalArgumentException("need width*height values, got " + n + " for " + width + "x" + height);
        }
    }

    static byte[] png(BufferedImage img) {
        try (var out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
