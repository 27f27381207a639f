package dev.clearclip.model;

import ai.djl.Device;
import dev.clearclip.weights.Towers;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ReducedPrecisionTest {

    @Test
    void bf16DenseFeaturesPointWhereFp32OnesDo() throws IOException {
        assumeTrue(Bf16Support.cpuHasAvx512Bf16(), Bf16Support.SKIP);
        float[] image = Goldens.floats("inputs/img_wide.npy");
        float[] full;
        float[] half;
        try (ClipModel m = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.CLEARCLIP, Towers.VISION, Device.cpu())) {
            full = m.normalisedDenseFeatures(image, 1, 224, 336);
        }
        try (ClipModel m = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.CLEARCLIP, Towers.VISION, Device.cpu(),
                Precision.BF16)) {
            assertEquals(Precision.BF16, m.precision());
            half = m.normalisedDenseFeatures(image, 1, 224, 336);
        }
        assertEquals(full.length, half.length);
        int dim = TinyCheckpoints.tiny().config().embedDim();
        double worst = 1;
        for (int row = 0; row < full.length / dim; row++) {
            double dot = 0;
            for (int i = 0; i < dim; i++) {
                dot += (double) full[row * dim + i] * half[row * dim + i];
            }
            worst = Math.min(worst, dot);
        }
        assertTrue(worst > 0.999, "worst cosine between fp32 and bf16 patch features: " + worst);
        assertTrue(worst < 1 - 1e-7, "bf16 features equal fp32 ones: the bf16 path did not run (" + worst + ")");
    }

    @Test
    void everyLastBlockRunsInBf16WithoutLeaks() throws IOException {
        assumeTrue(Bf16Support.cpuHasAvx512Bf16(), Bf16Support.SKIP);
        float[] image = Goldens.floats("inputs/img224.npy");
        for (LastBlockVariant a : LastBlockVariant.values()) {
            try (ClipModel m = ClipModel.load(TinyCheckpoints.forVariant(a), a, Towers.VISION, Device.cpu(), Precision.BF16)) {
                m.normalisedDenseFeatures(image, 1, 224, 224);
                int afterOne = m.liveArrayCount();
                for (int i = 0; i < 20; i++) {
                    m.normalisedDenseFeatures(image, 1, 224, 224);
                }
                assertEquals(afterOne, m.liveArrayCount(), a + ": live native arrays after 21 calls vs after 1");
            }
        }
    }

    @Test
    void fp16IsRefusedOnCpu() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.CLEARCLIP, Towers.VISION, Device.cpu(), Precision.FP16));
        assertTrue(e.getMessage().contains("fp16 needs a GPU"), e.getMessage());
    }
}
