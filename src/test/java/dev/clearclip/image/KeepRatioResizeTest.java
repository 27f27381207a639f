package dev.clearclip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KeepRatioResizeTest {

    @Test
    void reproducesTheGoldenCaseSizes() {
        // segmentation_cases.json: 451x300 -> 673x448 (scale 2048/448), 505x336 (2048/336), 451x300 (2048/300)
        assertEquals(new KeepRatioResize.Size(673, 448), KeepRatioResize.MMSEG_DEFAULT.targetSize(451, 300));
        assertEquals(new KeepRatioResize.Size(505, 336), new KeepRatioResize(2048, 336).targetSize(451, 300));
        assertEquals(new KeepRatioResize.Size(451, 300), new KeepRatioResize(2048, 300).targetSize(451, 300));
    }

    @Test
    void longSideLimitWinsForPanoramas() {
        // 10000x1000: 448/1000 would make the long side 4480 > 2048, so sf = 2048/10000 -> 2048x205 (204.8 + 0.5)
        assertEquals(new KeepRatioResize.Size(2048, 205), KeepRatioResize.MMSEG_DEFAULT.targetSize(10000, 1000));
        assertEquals(new KeepRatioResize.Size(205, 2048), KeepRatioResize.MMSEG_DEFAULT.targetSize(1000, 10000));
    }

    @Test
    void appliesTheResize() {
        RgbImage out = new KeepRatioResize(2048, 336).apply(Fixtures.chelsea());
        assertEquals(505, out.width());
        assertEquals(336, out.height());
    }

    @Test
    void rejectsBadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new KeepRatioResize(100, 200));
        assertThrows(IllegalArgumentException.class, () -> new KeepRatioResize(0, 0));
    }
}
