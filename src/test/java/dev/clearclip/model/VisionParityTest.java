package dev.clearclip.model;

import dev.clearclip.weights.Towers;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clearclip.io.Npy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;

import static dev.clearclip.model.Goldens.assertClose;
import static dev.clearclip.model.Goldens.floats;

/** Every vision intermediate against the official code's goldens, at the fixture README's tolerances. */
class VisionParityTest {
    private static ClipModel clearclip;
    private static ClipModel vanilla;

    @BeforeAll
    static void load() throws IOException {
        clearclip = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.CLEARCLIP, Towers.VISION, Device.cpu());
        vanilla = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.VANILLA, Towers.VISION, Device.cpu());
    }

    @AfterAll
    static void close() {
        clearclip.close();
        vanilla.close();
    }

    private static NDArray input(NDManager scope, String name) throws IOException {
        Npy.Array a = Goldens.npy("inputs/" + name + ".npy");
        return scope.create(a.floats(), new Shape(a.shape()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"img224", "img_wide"})
    void intermediatesMatchTheOfficialCode(String name) throws IOException {
        VisionTower v = clearclip.vision();
        try (NDManager scope = clearclip.newScope()) {
            NDArray images = input(scope, name);
            int hp = (int) images.getShape().get(2) / 16;
            int wp = (int) images.getShape().get(3) / 16;
            if (name.equals("img_wide")) {
                assertClose("pos interp", floats("vision/img_wide_pos_embed_interp.npy"),
                        v.positionalTable(hp, wp).toFloatArray(), 2e-6);
            }
            NDArray x = v.embed(images);
            assertClose("embed", floats("vision/" + name + "_embed.npy"), x.toFloatArray(), 1e-5);
            x = v.lnPre().apply(x);
            assertClose("ln_pre", floats("vision/" + name + "_ln_pre.npy"), x.toFloatArray(), 2e-5);
            for (int i = 0; i < v.blocks().size(); i++) {
                x = v.blocks().get(i).forward(x);
                assertClose("block" + i, floats("vision/" + name + "_block" + i + "_out.npy"), x.toFloatArray(), 2e-5);
            }
            NDArray attn = v.last().forward(x, hp, wp);
            assertClose("clearclip attn", floats("vision/" + name + "_clearclip_attn.npy"), attn.toFloatArray(), 2e-6);
            NDArray post = v.lnPost(attn);
            assertClose("ln_post", floats("vision/" + name + "_clearclip_ln_post.npy"), post.toFloatArray(), 1e-5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"img224", "img_wide"})
    void denseFeaturesMatch(String name) throws IOException {
        double wideTol = name.equals("img_wide") ? 5e-6 : 2e-6;
        try (NDManager scope = clearclip.newScope()) {
            NDArray dense = clearclip.denseFeatures(input(scope, name));
            assertClose("dense clearclip", floats("vision/" + name + "_dense_clearclip.npy"), dense.toFloatArray(), 2e-5);
            NDArray norm = dense.div(dense.norm(new int[] {-1}, true));
            assertClose("dense clearclip norm", floats("vision/" + name + "_dense_clearclip_norm.npy"), norm.toFloatArray(), wideTol);
        }
        try (NDManager scope = vanilla.newScope()) {
            NDArray tokens = vanilla.allTokens(input(scope, name));
            NDArray dense = tokens.get(":, 1:, :");
            assertClose("dense vanilla", floats("vision/" + name + "_dense_vanilla.npy"), dense.toFloatArray(), 2e-5);
            NDArray norm = dense.div(dense.norm(new int[] {-1}, true));
            assertClose("dense vanilla norm", floats("vision/" + name + "_dense_vanilla_norm.npy"), norm.toFloatArray(), wideTol);
            if (name.equals("img224")) {
                assertClose("cls embedding", floats("vision/img224_cls_embedding.npy"), tokens.get(":, 0, :").toFloatArray(), 5e-6);
            }
        }
    }
}
