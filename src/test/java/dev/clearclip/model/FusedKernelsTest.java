package dev.clearclip.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clearclip.weights.Towers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fused kernels are really used on CPU, and every last-block variant gives the eager ops' features. */
class FusedKernelsTest {

    @Test
    void cpuModelsRunOneDnnLinearAndFusedAttention() {
        try (ClipModel model = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.CLEARCLIP, Towers.VISION, Device.cpu())) {
            assertEquals("fused (oneDNN linear with post-ops, fp32 attention per head on oneDNN)", model.kernels());
        }
        try (ClipModel model = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.CLEARCLIP, Towers.VISION, Device.cpu(),
                Precision.FP32, KernelChoice.EAGER)) {
            assertEquals("eager", model.kernels());
        }
    }

    @ParameterizedTest
    @EnumSource(LastBlockVariant.class)
    void fusedFeaturesEqualEagerFeatures(LastBlockVariant attention) throws IOException {
        float[] image = Goldens.floats("inputs/img_wide.npy");
        float[] fused;
        float[] eager;
        try (ClipModel model = ClipModel.load(TinyCheckpoints.forVariant(attention), attention, Towers.VISION, Device.cpu())) {
            fused = tokens(model, image);
        }
        try (ClipModel model = ClipModel.load(TinyCheckpoints.forVariant(attention), attention, Towers.VISION, Device.cpu(),
                Precision.FP32, KernelChoice.EAGER)) {
            eager = tokens(model, image);
        }
        Goldens.assertClose(attention + " fused vs eager", eager, fused, 1e-5);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2 * 9 * 9 * 4, 3 * 9 * 9 * 4, 1L << 20})
    void chunkedAttentionEqualsWholeAttention(long chunkBytes) {
        Kernels eager = new EagerKernels(MixedPrecision.Full.INSTANCE);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray q = m.randomNormal(new Shape(2, 5, 9, 4));
            NDArray k = m.randomNormal(new Shape(2, 5, 9, 4));
            NDArray v = m.randomNormal(new Shape(2, 5, 9, 4));
            NDArray whole = eager.attention(q, k, v);
            NDArray chunked = FusedKernels.chunkedAttention(eager, q, k, v, chunkBytes); // groups of 1, 2, 3, 5 heads
            assertEquals(whole.getShape(), chunked.getShape());
            Goldens.assertClose("chunks of " + chunkBytes + " bytes", whole.toFloatArray(), chunked.toFloatArray(), 1e-6);
        }
    }

    /** Every token (CLS included), unnormalised, so a difference cannot hide behind the normalisation. */
    private static float[] tokens(ClipModel model, float[] image) {
        try (NDManager scope = model.newScope()) {
            NDArray images = scope.create(image, new Shape(1, 3, 224, 336));
            // SC-CLIP has no CLS output (and here a non-square 14 x 21 grid)
            return (model.attention() == LastBlockVariant.SCCLIP ? model.denseFeatures(images) : model.allTokens(images))
                    .toFloatArray();
        }
    }
}
