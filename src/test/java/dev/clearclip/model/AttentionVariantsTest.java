package dev.clearclip.model;

import ai.djl.Device;
import dev.clearclip.weights.Towers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

/** The comparison last blocks (SCLIP, MaskCLIP) against the independent NumPy reference (fixtures/extra). */
class AttentionVariantsTest {

    @ParameterizedTest
    @CsvSource({"SCLIP,img224,224,224", "SCLIP,img_wide,224,336", "MASKCLIP,img224,224,224", "MASKCLIP,img_wide,224,336"})
    void denseFeaturesMatchTheReference(LastBlockVariant attention, String input, int h, int w) throws IOException {
        try (ClipModel model = ClipModel.load(TinyCheckpoints.tiny(), attention, Towers.VISION, Device.cpu())) {
            float[] features = model.normalisedDenseFeatures(Goldens.floats("inputs/" + input + ".npy"), 1, h, w);
            Goldens.assertClose(attention + " " + input, Goldens.floats("extra/" + input + "_dense_"
                    + attention.label() + "_norm.npy"), features, 2e-6);
        }
    }
}
