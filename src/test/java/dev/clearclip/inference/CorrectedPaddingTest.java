package dev.clearclip.inference;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.clearclip.config.Method;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.io.Npy;
import dev.clearclip.model.ClipModel;
import dev.clearclip.model.Correction;
import dev.clearclip.model.Goldens;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;
import dev.clearclip.model.TinyCheckpoints;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.weights.Towers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --corrected padding} on NACLIP's whole-image path (the official VOC21 config; 504 px = 31.5 patches): the
 * logits equal those of the same image zero-padded by hand to whole patches, cut back; the official path stretches.
 */
class CorrectedPaddingTest {
    private static ClipModel model;
    private static QueryEmbeddings queries;

    @BeforeAll
    static void load() throws IOException {
        model = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.NACLIP, Towers.VISION, Device.cpu());
        queries = NaclipSegmentationTest.voc21Queries("tiny_voc21s_query_features.npy");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static SegmentationSettings wholeImage(Set<Correction> corrections) {
        return new SegmentationSettings(336, 2048, 0, 0, 0.1, 40, LastBlockVariant.NACLIP, Precision.FP32, 1,
                SegmentationSettings.DEFAULT_MAX_PIXELS, Method.NACLIP, 0, List.of(8, 16), 5.0, null, corrections);
    }

    private static float[] merged(SegmentationSettings settings, PreparedImage image) {
        try (SlidingWindowInference s = new SlidingWindowInference(model, settings, List.of(queries),
                OutputOptions.defaults()); NDManager scope = model.newScope()) {
            List<WindowEncoder.Job> jobs = s.windows(image).stream()
                    .map(w -> WindowEncoder.Job.of(image, w, model.patchSize())).toList();
            NDArray m = s.mergedLogits(scope, image, jobs, s.windowLogits(image));
            assertEquals(image.height(), m.getShape().get(1));
            return m.toFloatArray();
        }
    }

    @Test
    void paddedWholeImageEqualsTheImagePaddedByHand() throws IOException {
        Npy.Array a = Goldens.npy("methods/inputs/chelsea_small_r336_input.npy");
        PreparedImage image = new PreparedImage(80, 120, (int) a.shape()[2], (int) a.shape()[3], a.floats());
        int h = image.height();
        int w = image.width();
        assertEquals(504, w);
        SegmentationSettings corrected = wholeImage(Set.of(Correction.PADDING));
        try (SlidingWindowInference s = new SlidingWindowInference(model, corrected, List.of(queries),
                OutputOptions.defaults())) {
            assertEquals(new Window(0, h, 0, w, 0, 0, 4, 4), s.windows(image).get(0), "504 px + 8 = 32 patches");
        }
        // by hand: 4 zero columns each side (compute_padsize), then the official path, which no longer stretches
        int pw = w + 8;
        float[] padded = new float[3 * h * pw];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(image.chw(), (c * h + y) * w, padded, (c * h + y) * pw + 4, w);
            }
        }
        float[] reference = merged(wholeImage(Correction.none()), new PreparedImage(80, 120, h, pw, padded));
        float[] got = merged(corrected, image);
        int q = got.length / (h * w);
        float[] cut = new float[got.length];
        for (int k = 0; k < q; k++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(reference, (k * h + y) * pw + 4, cut, (k * h + y) * w, w);
            }
        }
        assertArrayEquals(cut, got, 1e-6f);
        assertFalse(java.util.Arrays.equals(merged(wholeImage(Correction.none()), image), got),
                "the official whole-image path stretches 31 patches over 504 px");
    }

    @Test
    void paddingChangesTheWindowsNotTheEncoder() {
        SegmentationSettings official = wholeImage(Correction.none());
        SegmentationSettings corrected = wholeImage(Set.of(Correction.PADDING));
        assertFalse(official.sameWindows(corrected));
        assertEquals(Set.of(), corrected.encoderCorrections());
        SegmentationSettings lof = wholeImage(Set.of(Correction.LOF));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SlidingWindowInference(model, lof, List.of(queries), OutputOptions.defaults()));
        assertTrue(e.getMessage().contains("corrected"), e.getMessage());
    }
}
