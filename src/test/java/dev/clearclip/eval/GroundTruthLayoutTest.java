package dev.clearclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroundTruthLayoutTest {
    private static final int I = GroundTruthLayout.IGNORE;

    @Test
    void indexLayoutsKeepValues() {
        assertArrayEquals(new int[]{0, 1, 20, I}, GroundTruthLayout.VOC21.toLabels(new int[]{0, 1, 20, 255}));
        assertArrayEquals(new int[]{0, 170, I}, GroundTruthLayout.COCO_STUFF.toLabels(new int[]{0, 170, 255}));
    }

    @Test
    void reduceZeroLabelMakesZeroIgnoreAndShiftsTheRest() {
        for (GroundTruthLayout l : new GroundTruthLayout[]{GroundTruthLayout.ADE20K, GroundTruthLayout.CONTEXT59,
                GroundTruthLayout.VOC20}) {
            assertArrayEquals(new int[]{I, 0, 1, 149, I}, l.toLabels(new int[]{0, 1, 2, 150, 255}), l.cliName());
        }
    }

    @Test
    void cityscapesLabelIdsBecomeTheNineteenTrainIds() {
        int[] ids = IntStream.rangeClosed(0, 40).toArray();
        int[] train = GroundTruthLayout.CITYSCAPES.toLabels(ids.clone());
        int[] expected = new int[41];
        java.util.Arrays.fill(expected, I);
        int[][] table = {{7, 0}, {8, 1}, {11, 2}, {12, 3}, {13, 4}, {17, 5}, {19, 6}, {20, 7}, {21, 8}, {22, 9},
                {23, 10}, {24, 11}, {25, 12}, {26, 13}, {27, 14}, {28, 15}, {31, 16}, {32, 17}, {33, 18}};
        for (int[] p : table) {
            expected[p[0]] = p[1];
        }
        assertArrayEquals(expected, train);
        // parking, rail track, guard rail, bridge, tunnel, polegroup, caravan, trailer: ignored
        for (int id : new int[]{9, 10, 14, 15, 16, 18, 29, 30}) {
            assertEquals(I, train[id], "label id " + id);
        }
    }

    @Test
    void rawCocoStuffIdsMapToTheContiguous171() {
        int[] t = GroundTruthLayout.COCO_STUFF_RAW.toLabels(IntStream.range(0, 256).toArray());
        assertEquals(171, IntStream.of(t).filter(v -> v != I).count());
        assertEquals(10, t[10]);
        assertEquals(I, t[11]);
        assertEquals(11, t[12]);
        assertEquals(79, t[89]);
        assertEquals(I, t[90]);
        assertEquals(80, t[91]);
        assertEquals(170, t[181]);
        assertEquals(I, t[255]);
    }

    @Test
    void namesAliasesAndFiles() {
        assertEquals(GroundTruthLayout.VOC21, GroundTruthLayout.parse("voc"));
        assertEquals(GroundTruthLayout.CONTEXT60, GroundTruthLayout.parse("Context"));
        assertEquals(GroundTruthLayout.COCO_STUFF, GroundTruthLayout.parse("coco_stuff"));
        var e = assertThrows(IllegalArgumentException.class, () -> GroundTruthLayout.parse("kitti"));
        assertTrue(e.getMessage().contains("kitti") && e.getMessage().contains("cityscapes"));
        assertTrue(GroundTruthLayout.CITYSCAPES.isGroundTruthFile("a_gtFine_labelIds.png"));
        assertFalse(GroundTruthLayout.CITYSCAPES.isGroundTruthFile("a_gtFine_color.png"));
        assertEquals("f/f_1", GroundTruthLayout.CITYSCAPES.groundTruthKey("f/f_1_gtFine_labelIds.png"));
        assertEquals("f/f_1", GroundTruthLayout.CITYSCAPES.predictionKey("f/f_1_leftImg8bit"));
        assertEquals("ADE_val_1", GroundTruthLayout.ADE20K.groundTruthKey("ADE_val_1.png"));
        // mmseg's seg_map_suffix: both COCO benchmarks keep their maps side by side in annotations/val2017
        assertTrue(GroundTruthLayout.COCO_STUFF.isGroundTruthFile("000000000139_labelTrainIds.png"));
        assertFalse(GroundTruthLayout.COCO_STUFF.isGroundTruthFile("000000000139_instanceTrainIds.png"));
        assertEquals("000000000139", GroundTruthLayout.COCO_OBJECT.groundTruthKey("000000000139_instanceTrainIds.png"));
    }
}
