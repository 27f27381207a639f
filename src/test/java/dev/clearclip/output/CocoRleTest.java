package dev.clearclip.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Expected strings derived by hand from pycocotools' maskApi.c: runs in column-major order starting with background;
 * from run index 3 on, the value written is run[i] - run[i-2]; each value is written in 5-bit groups, low first, as
 * char(48 + group), group | 0x20 while more follow; writing stops when the rest is 0 (or -1 when the group's 0x10
 * sign bit is set).
 */
class CocoRleTest {

    @Test
    void emptyMaskIsOneBackgroundRun() {
        int[] labels = new int[6]; // 3 wide, 2 high, no pixel of class 1
        assertArrayEquals(new long[] {6}, CocoRle.counts(labels, 3, 2, 1));
        assertEquals("6", CocoRle.encode(labels, 3, 2, 1));
    }

    @Test
    void fullMaskStartsWithAnEmptyBackgroundRun() {
        int[] labels = {1, 1, 1, 1, 1, 1};
        assertArrayEquals(new long[] {0, 6}, CocoRle.counts(labels, 3, 2, 1));
        assertEquals("06", CocoRle.encode(labels, 3, 2, 1));
    }

    @Test
    void singlePixels() {
        // 3x3; column-major index of (x, y) is x * 3 + y
        int[] first = new int[9];
        first[0] = 1;
        assertEquals("018", CocoRle.encode(first, 3, 3, 1)); // runs 0, 1, 8
        int[] middle = new int[9];
        middle[4] = 1; // (1, 1) -> index 4
        assertEquals("414", CocoRle.encode(middle, 3, 3, 1)); // runs 4, 1, 4
        int[] last = new int[9];
        last[8] = 1; // (2, 2) -> index 8
        assertEquals("81", CocoRle.encode(last, 3, 3, 1)); // runs 8, 1
    }

    @Test
    void orderIsColumnMajor() {
        // 3x3, middle column x = 1 set: column-major indices 3, 4, 5 -> runs 3, 3, 3
        int[] column = {0, 1, 0, 0, 1, 0, 0, 1, 0};
        assertEquals("333", CocoRle.encode(column, 3, 3, 1));
        // the middle row instead: indices 1, 4, 7 -> runs 1, 1, 2, 1, 2, 1, 1
        // written: 1, 1, 2, then deltas 1-1=0, 2-2=0, 1-1=0, 1-2=-1 ('O' = 48 + 31: -1 has the sign bit, stops)
        int[] row = {0, 0, 0, 1, 1, 1, 0, 0, 0};
        assertArrayEquals(new long[] {1, 1, 2, 1, 2, 1, 1}, CocoRle.counts(row, 3, 3, 1));
        assertEquals("112000O", CocoRle.encode(row, 3, 3, 1));
    }

    @Test
    void checkerboard() {
        // 2x2 [[1, 0], [0, 1]]: column-major 1, 0, 0, 1 -> runs 0, 1, 2, 1; run 3 is written as 1 - 1 = 0
        int[] labels = {1, 0, 0, 1};
        assertEquals("0120", CocoRle.encode(labels, 2, 2, 1));
    }

    @Test
    void largeCountsAndNegativeDeltas() {
        long[] runs = {100, 1000, 5, 40000, 3};
        // 100 = 3*32 + 4       -> 4|0x20 = 36 'T', 3 '3'
        // 1000 = 31*32 + 8     -> 8|0x20 'X', 31 has the sign bit so 31|0x20 'o', then 0 '0'
        // 5                    -> '5'
        // 40000 - 1000 = 39000 = ((1*32 + 6)*32 + 2)*32 + 24 -> 24|0x20 'h', 2|0x20 'R', 6|0x20 'V', 1 '1'
        // 3 - 5 = -2: low group 30 (sign bit set), rest -1 -> stop: 48 + 30 'N'
        assertEquals("T3Xo05hRV1N", CocoRle.toCompressedString(runs));
        assertArrayEquals(runs, CocoRle.fromCompressedString("T3Xo05hRV1N"));
        // the same runs from a real mask: one column of 41108 pixels
        int[] labels = new int[41108];
        java.util.Arrays.fill(labels, 100, 1100, 7);
        java.util.Arrays.fill(labels, 1105, 41105, 7);
        assertEquals("T3Xo05hRV1N", CocoRle.encode(labels, 1, 41108, 7));
    }

    @Test
    void roundTripsRandomMasks() {
        Random rnd = new Random(42);
        for (int t = 0; t < 200; t++) {
            int w = 1 + rnd.nextInt(40);
            int h = 1 + rnd.nextInt(40);
            int[] labels = new int[w * h];
            int classes = 1 + rnd.nextInt(4);
            for (int i = 0; i < labels.length; i++) {
                labels[i] = rnd.nextInt(10) < 8 && i > 0 ? labels[i - 1] : rnd.nextInt(classes);
            }
            int cls = rnd.nextInt(classes);
            String s = CocoRle.encode(labels, w, h, cls);
            boolean[] mask = CocoRle.decode(s, h, w);
            for (int i = 0; i < labels.length; i++) {
                assertEquals(labels[i] == cls, mask[i], "mask " + t + " pixel " + i);
            }
            assertArrayEquals(CocoRle.counts(labels, w, h, cls), CocoRle.fromCompressedString(s));
        }
    }

    @Test
    void rejectsStringsThatDoNotFitTheMask() {
        assertThrows(IllegalArgumentException.class, () -> CocoRle.decode("6", 2, 2));
        assertThrows(IllegalArgumentException.class, () -> CocoRle.decode("T", 2, 2)); // ends inside a value
        assertThrows(IllegalArgumentException.class, () -> CocoRle.decode("~~", 2, 2));
    }
}
