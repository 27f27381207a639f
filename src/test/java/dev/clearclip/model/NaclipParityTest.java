package dev.clearclip.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clearclip.weights.Towers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

import static dev.clearclip.model.Goldens.assertClose;
import static dev.clearclip.model.Goldens.floats;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NACLIP's last block against the official NACLIP code (fixtures/methods/naclip/vision), at the manifest tolerances. */
class NaclipParityTest {
    private static ClipModel naclip;

    @BeforeAll
    static void load() {
        naclip = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.NACLIP, Towers.VISION, Device.cpu());
    }

    @AfterAll
    static void close() {
        naclip.close();
    }

    @Test
    void closedFormBiasIsTheOfficialTensor() throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NeighbourhoodBias bias = new NeighbourhoodBias(5.0, m);
            double err = assertClose("addition", floats("methods/naclip/vision/img224_addition.npy"),
                    bias.forGrid(14, 14).toFloatArray(), 2e-7);
            System.out.println("naclip addition max |diff| " + err);
            assertTrue(bias.forGrid(14, 14) == bias.forGrid(14, 14), "cached per grid");
            assertThrows(IllegalArgumentException.class, () -> bias.forGrid(200, 200));
            assertThrows(IllegalArgumentException.class, () -> new NeighbourhoodBias(0, m));
        }
    }

    @ParameterizedTest
    @CsvSource({"img224,224,224", "img_wide,224,336"})
    void lastBlockAndDenseFeaturesMatch(String input, int h, int w) throws IOException {
        try (NDManager scope = naclip.newScope()) {
            VisionTower v = naclip.vision();
            NDArray x = v.lnPre().apply(v.embed(scope.create(floats("inputs/" + input + ".npy"), new Shape(1, 3, h, w))));
            for (ResidualAttentionBlock block : v.blocks()) {
                x = block.forward(x);
            }
            NDArray attn = v.last().forward(x, h / 16, w / 16);
            double a = assertClose("naclip attn_out " + input, floats("methods/naclip/vision/" + input + "_attn_out.npy"),
                    attn.toFloatArray(), 2e-6);
            float[] norm = naclip.normalisedDenseFeatures(floats("inputs/" + input + ".npy"), 1, h, w);
            double d = assertClose("naclip dense_norm " + input,
                    floats("methods/naclip/vision/" + input + "_dense_norm.npy"), norm, 2e-6);
            System.out.println("naclip " + input + " attn_out max |diff| " + a + ", dense_norm " + d);
        }
    }
}
