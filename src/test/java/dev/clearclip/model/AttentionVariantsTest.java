package dev.clearclip.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clearclip.weights.Towers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

/**
 * The comparison last blocks against the independent NumPy reference (fixtures/extra: the reduced csa block was
 * called "sclip" there), and the official SCLIP last block against SCLIP's own code (fixtures/methods/sclip).
 */
class AttentionVariantsTest {

    @ParameterizedTest
    @CsvSource({"CSA_REDUCED,sclip,img224,224,224", "CSA_REDUCED,sclip,img_wide,224,336",
            "MASKCLIP,maskclip,img224,224,224", "MASKCLIP,maskclip,img_wide,224,336"})
    void denseFeaturesMatchTheReference(LastBlockVariant attention, String file, String input, int h, int w)
            throws IOException {
        try (ClipModel model = ClipModel.load(TinyCheckpoints.tiny(), attention, Towers.VISION, Device.cpu())) {
            float[] features = model.normalisedDenseFeatures(Goldens.floats("inputs/" + input + ".npy"), 1, h, w);
            Goldens.assertClose(attention + " " + input, Goldens.floats("extra/" + input + "_dense_" + file
                    + "_norm.npy"), features, 2e-6);
        }
    }

    @Test
    void sclipKeepsResidualAndFfnAsTheOfficialCode() throws IOException {
        try (ClipModel model = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.SCLIP, Towers.VISION, Device.cpu());
             NDManager scope = model.newScope()) {
            VisionTower v = model.vision();
            NDArray x = v.lnPre().apply(v.embed(scope.create(Goldens.floats("inputs/img224.npy"), new Shape(1, 3, 224, 224))));
            for (ResidualAttentionBlock block : v.blocks()) {
                x = block.forward(x);
            }
            NDArray last = v.last().forward(x, 14, 14);
            Goldens.assertClose("sclip last block", Goldens.floats("methods/sclip/vision/img224_last_block_out.npy"),
                    last.toFloatArray(), 2e-5);
            float[] norm = model.normalisedDenseFeatures(Goldens.floats("inputs/img224.npy"), 1, 224, 224);
            double err = Goldens.assertClose("sclip dense norm", Goldens.floats("methods/sclip/vision/img224_dense_norm.npy"),
                    norm, 5e-6);
            System.out.println("sclip dense_norm max |diff| " + err);
        }
    }
}
