package dev.clearclip.image;

/**
 * Bit-exact re-implementation of OpenCV 4.x {@code cv2.resize(src, (w, h), interpolation=INTER_LINEAR)} on 8-bit
 * 3-channel images. Hand-written because every Java resampler (Java2D, imgscalr, ...) rounds differently, and the
 * segmentation goldens (and the published numbers) depend on OpenCV's exact fixed-point arithmetic:
 * <ul>
 *   <li>source coordinate {@code (float)((d + 0.5) * scale - 0.5)}, {@code scale = 1 / (dst / src)} in double;</li>
 *   <li>weights {@code rint((1 - f) * 2048)}, {@code rint(f * 2048)} from float32 (11 bits, half to even);</li>
 *   <li>columns outside the image are clamped with weight (2048, 0); rows keep their weights, indices are clipped;</li>
 *   <li>horizontal pass into int, vertical pass as OpenCV's SIMD kernel
 *       {@code (((b0 * (r0 >> 4)) >> 16) + ((b1 * (r1 >> 4)) >> 16) + 2) >> 2} on every sample. (OpenCV's scalar
 *       fallback rounds {@code (b0 * r0 + b1 * r1 + 2^21) >> 22} instead; the goldens, from cv2 4.6.0 on x86-64, show
 *       the SIMD rounding on the row tails too: with the scalar rounding there, 130 / 93 samples differ.)</li>
 * </ul>
 * (An exact 2x reduction takes OpenCV's INTER_AREA shortcut, which yields the same numbers as this formula.)
 */
public final class Cv2Resize {
    private static final int CN = 3;
    private static final int COEF_BITS = 11;
    private static final int COEF_SCALE = 1 << COEF_BITS;

    private Cv2Resize() {
    }

    public static RgbImage linear(RgbImage src, int newWidth, int newHeight) {
        if (newWidth <= 0 || newHeight <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + newWidth + "x" + newHeight);
        }
        int sw = src.width();
        int sh = src.height();
        if (sw == newWidth && sh == newHeight) {
            return new RgbImage(sw, sh, src.rgb().clone());
        }
        int rowLen = newWidth * CN;
        int[] xofs = new int[rowLen];
        int[] alpha = new int[rowLen * 2];
        columnTaps(sw, newWidth, xofs, alpha);
        int[] yofs = new int[newHeight];
        int[] beta = new int[newHeight * 2];
        rowTaps(sh, newHeight, yofs, beta);

        byte[] in = src.rgb();
        byte[] out = new byte[rowLen * newHeight];
        int[] buf0 = new int[rowLen];
        int[] buf1 = new int[rowLen];
        int row0 = -1;
        int row1 = -1;
        for (int dy = 0; dy < newHeight; dy++) {
            int sy0 = clip(yofs[dy], sh);
            int sy1 = clip(yofs[dy] + 1, sh);
            // consecutive output rows mostly share source rows: keep the two horizontal results
            if (sy0 != row0) {
                if (sy0 == row1) {
                    int[] t = buf0;
                    buf0 = buf1;
                    buf1 = t;
                    row1 = -1;
                } else {
                    horizontal(in, sy0 * sw * CN, xofs, alpha, buf0);
                }
                row0 = sy0;
            }
            if (sy1 != row1) {
                if (sy1 == row0) {
                    System.arraycopy(buf0, 0, buf1, 0, rowLen);
                } else {
                    horizontal(in, sy1 * sw * CN, xofs, alpha, buf1);
                }
                row1 = sy1;
            }
            vertical(buf0, buf1, beta[2 * dy], beta[2 * dy + 1], out, dy * rowLen);
        }
        return new RgbImage(newWidth, newHeight, out);
    }

    private static void columnTaps(int srcSize, int dstSize, int[] xofs, int[] alpha) {
        double scale = 1.0 / ((double) dstSize / srcSize);
        for (int dx = 0; dx < dstSize; dx++) {
            float fx = (float) ((dx + 0.5) * scale - 0.5);
            int sx = (int) Math.floor(fx);
            fx -= sx;
            if (sx < 0) {
                fx = 0;
                sx = 0;
            }
            if (sx >= srcSize - 1) {
                fx = 0;
                sx = srcSize - 1;
            }
            int a0 = fixed(1f - fx);
            int a1 = fixed(fx);
            for (int k = 0; k < CN; k++) {
                int i = dx * CN + k;
                xofs[i] = sx * CN + k;
                alpha[2 * i] = a0;
                alpha[2 * i + 1] = a1;
            }
        }
    }

    private static void rowTaps(int srcSize, int dstSize, int[] yofs, int[] beta) {
        double scale = 1.0 / ((double) dstSize / srcSize);
        for (int dy = 0; dy < dstSize; dy++) {
            float fy = (float) ((dy + 0.5) * scale - 0.5);
            int sy = (int) Math.floor(fy);
            fy -= sy;
            yofs[dy] = sy;
            beta[2 * dy] = fixed(1f - fy);
            beta[2 * dy + 1] = fixed(fy);
        }
    }

    /** OpenCV's {@code saturate_cast<short>(w * 2048.f)}: float product, rounded half to even. */
    private static int fixed(float w) {
        return (int) Math.rint(w * COEF_SCALE);
    }

    private static int clip(int y, int size) {
        return y < 0 ? 0 : Math.min(y, size - 1);
    }

    private static void horizontal(byte[] in, int rowStart, int[] xofs, int[] alpha, int[] dst) {
        for (int i = 0; i < dst.length; i++) {
            int s = rowStart + xofs[i];
            int a1 = alpha[2 * i + 1];
            // a1 == 0 at clamped borders, where s + CN may lie outside the row
            int v = (in[s] & 0xff) * alpha[2 * i];
            if (a1 != 0) {
                v += (in[s + CN] & 0xff) * a1;
            }
            dst[i] = v;
        }
    }

    private static void vertical(int[] r0, int[] r1, int b0, int b1, byte[] out, int outStart) {
        for (int x = 0; x < r0.length; x++) {
            int v = ((b0 * (r0[x] >> 4)) >> 16) + ((b1 * (r1[x] >> 4)) >> 16);
            out[outStart + x] = saturate((v + 2) >> 2);
        }
    }

    private static byte saturate(int v) {
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
