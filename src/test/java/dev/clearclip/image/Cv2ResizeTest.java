package dev.clearclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Cv2ResizeTest {

    @ParameterizedTest
    @ValueSource(strings = {"seg_voc21", "seg_voc21_c224s112", "seg_pad_synonyms"})
    void matchesOpenCvBitForBitOnTheGoldens(String segCase) {
        RgbImage expected = Fixtures.image(segCase + "/resized_rgb_u8.npy");
        RgbImage actual = Cv2Resize.linear(Fixtures.chelsea(), expected.width(), expected.height());
        assertEquals(expected.width(), actual.width());
        assertEquals(expected.height(), actual.height());
        int diffs = 0;
        int first = -1;
        for (int i = 0; i < expected.rgb().length; i++) {
            if (expected.rgb()[i] != actual.rgb()[i]) {
                diffs++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        assertEquals(0, diffs, "differing samples (first at byte " + first + ")");
    }

    @Test
    void sameSizeIsACopy() {
        RgbImage src = Fixtures.chelsea();
        RgbImage out = Cv2Resize.linear(src, src.width(), src.height());
        assertArrayEquals(src.rgb(), out.rgb());
    }

    @Test
    void halvingAveragesEachTwoByTwoBlockRoundingHalfUp() {
        // 4x2 grey ramp, R=G=B; each output pixel = (a + b + c + d + 2) >> 2
        int[] grey = {0, 10, 20, 31,
                      1, 11, 200, 255};
        RgbImage out = Cv2Resize.linear(greyImage(4, 2, grey), 2, 1);
        assertArrayEquals(new int[] {(0 + 10 + 1 + 11 + 2) >> 2, (20 + 31 + 200 + 255 + 2) >> 2}, greyOf(out));
    }

    @Test
    void doublingInterpolatesWithQuarterWeightsAndClampsTheBorder() {
        // 2x1 -> 4x1: source x = (dx + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25
        // dx=0 clamps to pixel 0; dx=1: 0.75*a + 0.25*b; dx=2: 0.25*a + 0.75*b; dx=3 clamps to pixel 1.
        // a=0, b=100: 25 and 75 exactly (weights 1536/512 of 2048); rows are all the same source row.
        RgbImage out = Cv2Resize.linear(greyImage(2, 1, new int[] {0, 100}), 4, 2);
        assertArrayEquals(new int[] {0, 25, 75, 100, 0, 25, 75, 100}, greyOf(out));
    }

    @Test
    void roundsSmallDifferencesLikeOpenCv() {
        // a=0, b=1, 2x1 -> 4x1: horizontal sums 0, 512, 1536, 2048 (weights of 2048); one source row, weight 2048.
        // ((2048 * (v >> 4)) >> 16 + 2) >> 2 = ((v >> 9) + 2) >> 2 -> 0, 0, 1, 1
        RgbImage out = Cv2Resize.linear(greyImage(2, 1, new int[] {0, 1}), 4, 1);
        assertArrayEquals(new int[] {0, 0, 1, 1}, greyOf(out));
    }

    @Test
    void truncatesEachVerticalProductBeforeRoundingAsOpenCvSimdDoes() {
        // 1x2 -> 1x4, rows a=0, b=255: y weights for the 2nd output row (dy=1): fy = 0.25 -> b0 = 1536, b1 = 512
        // horizontal: 2048 * v -> r0 = 0, r1 = 522240; (512 * (522240 >> 4)) >> 16 = 255, (255 + 2) >> 2 = 64
        // dy=2: fy = 0.75 -> (1536 * 32640) >> 16 = 765, (765 + 2) >> 2 = 191
        RgbImage out = Cv2Resize.linear(greyImage(1, 2, new int[] {0, 255}), 1, 4);
        int r1 = 522240 >> 4;
        int dy1 = ((1536 * 0) >> 16) + ((512 * r1) >> 16);
        int dy2 = ((512 * 0) >> 16) + ((1536 * r1) >> 16);
        assertArrayEquals(new int[] {0, (dy1 + 2) >> 2, (dy2 + 2) >> 2, 255}, greyOf(out));
        assertArrayEquals(new int[] {0, 64, 191, 255}, greyOf(out));
    }

    @Test
    void rejectsEmptyTargets() {
        assertThrows(IllegalArgumentException.class, () -> Cv2Resize.linear(greyImage(2, 1, new int[2]), 0, 1));
    }

    static RgbImage greyImage(int w, int h, int[] grey) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < grey.length; i++) {
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte) grey[i];
        }
        return new RgbImage(w, h, rgb);
    }

    static int[] greyOf(RgbImage img) {
        int[] out = new int[img.width() * img.height()];
        for (int i = 0; i < out.length; i++) {
            assertEquals(img.rgb()[3 * i], img.rgb()[3 * i + 1]);
            assertEquals(img.rgb()[3 * i], img.rgb()[3 * i + 2]);
            out[i] = img.rgb()[3 * i] & 0xff;
        }
        return out;
    }
}
