package dev.clearclip.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Stored samples of a decoded image as 8-bit RGB, without any colour management, as OpenCV returns them: an ICC
 * profile is ignored (its samples are taken as they are), alpha is dropped (not composited), grey is copied to R, G
 * and B, palettes are looked up, 16-bit samples keep their high byte (libpng's strip_16), samples narrower than
 * 8 bits are scaled up to 0..255.
 */
final class RawSamples {
    private RawSamples() {
    }

    /** @throws IllegalArgumentException (message = the problem) for colour models OpenCV would not give as RGB */
    static RgbImage toRgb(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[Math.multiplyExact(3, Math.multiplyExact(w, h))];
        int[] row = new int[w * raster.getNumBands()];
        if (cm instanceof IndexColorModel icm) {
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                int bands = raster.getNumBands();
                for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                    int i = row[x * bands];
                    out[o] = (byte) icm.getRed(i);
                    out[o + 1] = (byte) icm.getGreen(i);
                    out[o + 2] = (byte) icm.getBlue(i);
                }
            }
            return new RgbImage(w, h, out);
        }
        int type = cm.getColorSpace().getType();
        int colours = cm.getNumColorComponents();
        int dataType = raster.getDataBuffer().getDataType();
        if (dataType == DataBuffer.TYPE_FLOAT || dataType == DataBuffer.TYPE_DOUBLE) {
            throw new IllegalArgumentException("floating-point samples are not supported");
        }
        int[] channel;
        if (type == ColorSpace.TYPE_RGB && colours == 3) {
            channel = new int[] {0, 1, 2};
        } else if (type == ColorSpace.TYPE_GRAY && colours == 1) {
            channel = new int[] {0, 0, 0};
        } else {
            throw new IllegalArgumentException("colour space " + describe(type) + " with " + colours
                    + " colour components is not supported");
        }
        int bands = raster.getNumBands();
        int[] bits = new int[3];
        for (int c = 0; c < 3; c++) {
            bits[c] = cm.getComponentSize(channel[c]);
        }
        if (dataType == DataBuffer.TYPE_BYTE && bits[0] == 8 && bits[1] == 8 && bits[2] == 8
                && raster.getSampleModel() instanceof ComponentSampleModel sm
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            copyInterleavedBytes((DataBufferByte) raster.getDataBuffer(), sm, channel, w, h, out);
            return new RgbImage(w, h, out);
        }
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                for (int c = 0; c < 3; c++) {
                    out[o + c] = (byte) to8Bit(row[x * bands + channel[c]], bits[c]);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Fast path for the usual 8-bit layouts (JPEG's BGR, PNG's RGB/RGBA/grey): no per-pixel calls. */
    private static void copyInterleavedBytes(DataBufferByte db, ComponentSampleModel sm, int[] channel, int w, int h,
            byte[] out) {
        byte[][] banks = db.getBankData();
        int[] bankIdx = sm.getBankIndices();
        int[] bandOff = sm.getBandOffsets();
        int pixelStride = sm.getPixelStride();
        int lineStride = sm.getScanlineStride();
        for (int c = 0; c < 3; c++) {
            int band = channel[c];
            byte[] data = banks[bankIdx[band]];
            int base = db.getOffsets()[bankIdx[band]] + bandOff[band];
            for (int y = 0; y < h; y++) {
                int s = base + y * lineStride;
                for (int x = 0, o = y * w * 3 + c; x < w; x++, o += 3, s += pixelStride) {
                    out[o] = data[s];
                }
            }
        }
    }

    private static int to8Bit(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        if (bits > 8) {
            return v >>> (bits - 8);
        }
        return v * 255 / ((1 << bits) - 1);
    }

    private static String describe(int colorSpaceType) {
        return switch (colorSpaceType) {
            case ColorSpace.TYPE_CMYK -> "CMYK";
            case ColorSpace.TYPE_YCbCr -> "YCbCr";
            case ColorSpace.TYPE_Lab -> "Lab";
            case ColorSpace.TYPE_HSV -> "HSV";
            default -> "type " + colorSpaceType;
        };
    }
}
