package dev.clearclip.image;

import java.util.Arrays;

/**
 * HWC RGB uint8 to CHW float32 {@code (x - mean) / std}, per channel, as mmseg's {@code SegDataPreProcessor} does it:
 * float32 subtraction, then float32 division (not multiplication by 1/std, which rounds differently).
 */
public record Normalizer(float[] mean, float[] std) {
    /** mmseg / ClearCLIP test-time values on the 0..255 scale (RGB order). */
    public static final Normalizer CLIP_0_255 = new Normalizer(
            new float[] {122.771f, 116.746f, 104.094f}, new float[] {68.501f, 66.632f, 70.323f});

    public Normalizer {
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B), got mean="
                    + Arrays.toString(mean) + ", std=" + Arrays.toString(std));
        }
        for (float s : std) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException("std values must be finite and > 0, got " + Arrays.toString(std));
            }
        }
        for (float m : mean) {
            if (!Float.isFinite(m)) {
                throw new IllegalArgumentException("mean values must be finite, got " + Arrays.toString(mean));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Returns {@code [3, height, width]} in C order. */
    public float[] toChw(RgbImage image) {
        float[] out = new float[3 * image.width() * image.height()];
        toChw(image, out, 0);
        return out;
    }

    /** Writes {@code [3, height, width]} into {@code out} from {@code offset} (for batches without copies). */
    public void toChw(RgbImage image, float[] out, int offset) {
        int plane = image.width() * image.height();
        if (offset < 0 || out.length - offset < 3 * plane) {
            throw new IllegalArgumentException("output buffer too small: need " + 3 * plane + " floats from offset "
                    + offset + ", have " + (out.length - offset));
        }
        byte[] rgb = image.rgb();
        for (int c = 0; c < 3; c++) {
            // the 256 possible results per channel, computed once with exactly the per-pixel arithmetic
            float[] lut = new float[256];
            for (int v = 0; v < 256; v++) {
                lut[v] = ((float) v - mean[c]) / std[c];
            }
            int base = offset + c * plane;
            for (int p = 0, s = c; p < plane; p++, s += 3) {
                out[base + p] = lut[rgb[s] & 0xff];
            }
        }
    }
}
