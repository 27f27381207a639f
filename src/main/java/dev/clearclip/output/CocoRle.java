package dev.clearclip.output;

import java.util.Arrays;

/**
 * COCO run-length encoding of one class's mask, byte-compatible with pycocotools ({@code mask.encode} and the
 * {@code counts} string of COCO result files). Hand-written: no Java library implements this format.
 * <p>Runs follow the mask in column-major order (down the first column, then the next), alternate background /
 * foreground and start with a background run (0 when the first pixel is set). The string form (maskApi.c
 * {@code rleToString}) stores, from the fourth run on, the difference to the run two before, then writes each value
 * in 5-bit groups, low first, as characters {@code 48 + group}, with 0x20 marking "more groups follow"; the last group's
 * 0x10 bit carries the sign.
 */
public final class CocoRle {
    private CocoRle() {
    }

    /** Compressed RLE string of {@code labels == classId}; labels are row-major {@code [height][width]}. */
    public static String encode(int[] labels, int width, int height, int classId) {
        return toCompressedString(counts(labels, width, height, classId));
    }

    /** Run lengths of {@code labels == classId} in column-major order, starting with a background run. */
    public static long[] counts(int[] labels, int width, int height, int classId) {
        LabelPng.checkSize(labels, width, height);
        long[] runs = new long[16];
        int n = 0;
        boolean current = false;
        long run = 0;
        for (int x = 0; x < width; x++) {
            for (int y = 0, i = x; y < height; y++, i += width) {
                boolean set = labels[i] == classId;
                if (set != current) {
                    if (n == runs.length) {
                        runs = Arrays.copyOf(runs, n * 2);
                    }
                    runs[n++] = run;
                    run = 0;
                    current = set;
                }
                run++;
            }
        }
        runs = Arrays.copyOf(runs, n + 1);
        runs[n] = run;
        return runs;
    }

    public static String toCompressedString(long[] counts) {
        StringBuilder s = new StringBuilder(counts.length * 2);
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i];
            if (i > 2) { // sic: pycocotools starts the deltas at the fourth run
                x -= counts[i - 2];
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                s.append((char) (c + 48));
            }
        }
        return s.toString();
    }

    public static long[] fromCompressedString(String s) {
        long[] counts = new long[s.length()];
        int m = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) {
                    throw new IllegalArgumentException("RLE string ends inside a value: \"" + s + "\"");
                }
                int c = s.charAt(p) - 48;
                if (c < 0 || c > 63 || k > 12) {
                    throw new IllegalArgumentException("invalid RLE character '" + s.charAt(p) + "' at " + p);
                }
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (m > 2) {
                x += counts[m - 2];
            }
            counts[m++] = x;
        }
        return Arrays.copyOf(counts, m);
    }

    /** The mask, row-major {@code [height][width]}, of a compressed RLE string. */
    public static boolean[] decode(String counts, int height, int width) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("mask size must be positive, got " + width + "x" + height);
        }
        long[] runs = fromCompressedString(counts);
        long total = 0;
        for (long r : runs) {
            if (r < 0) {
                throw new IllegalArgumentException("negative run " + r + " in RLE \"" + counts + "\"");
            }
            total += r;
        }
        if (total != (long) width * height) {
            throw new IllegalArgumentException("RLE runs cover " + total + " pixels, the mask has " + width + "x"
                    + height + " = " + (long) width * height);
        }
        boolean[] mask = new boolean[width * height];
        long pos = 0;
        boolean value = false;
        for (long r : runs) {
            for (long j = pos; j < pos + r; j++) {
                if (value) {
                    int x = (int) (j / height);
                    int y = (int) (j % height);
                    mask[y * width + x] = true;
                }
            }
            pos += r;
            value = !value;
        }
        return mask;
    }
}
