package dev.clearclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clearclip.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NormalizerTest {

    @ParameterizedTest
    @ValueSource(strings = {"seg_pad_synonyms", "seg_voc21_c224s112"})
    void wholePreprocessingMatchesTheGoldenInputTensorExactly(String segCase) {
        Npy.Array expected = Fixtures.npy(segCase + "/input.npy");
        long[] shape = expected.shape(); // [1, 3, H, W]
        RgbImage resized = Cv2Resize.linear(Fixtures.chelsea(), (int) shape[3], (int) shape[2]);
        float[] actual = Normalizer.CLIP_0_255.toChw(resized);
        assertArrayEquals(expected.floats(), actual, 0f);
    }

    @Test
    void writesIntoABatchAtAnOffset() {
        RgbImage img = new RgbImage(1, 1, new byte[] {(byte) 255, 0, 10});
        Normalizer n = new Normalizer(new float[] {0, 0, 10}, new float[] {255, 1, 2});
        float[] out = new float[5];
        n.toChw(img, out, 2);
        assertArrayEquals(new float[] {0, 0, 1f, 0f, 0f}, out);
        assertThrows(IllegalArgumentException.class, () -> n.toChw(img, new float[4], 2));
    }

    @Test
    void layoutIsChannelMajor() {
        RgbImage img = new RgbImage(2, 1, new byte[] {1, 2, 3, 4, 5, 6});
        float[] out = new Normalizer(new float[3], new float[] {1, 1, 1}).toChw(img);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, out);
    }

    @Test
    void rejectsBadConfiguration() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Normalizer(new float[3], new float[] {1, 0, 1}));
        assertEquals(true, e.getMessage().contains("std"));
        assertThrows(IllegalArgumentException.class, () -> new Normalizer(new float[2], new float[3]));
    }
}
