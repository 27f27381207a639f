package dev.clearclip.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.clearclip.weights.ModelFolder;
import dev.clearclip.weights.ModelLoader;
import dev.clearclip.weights.Towers;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ModelMemoryAndLayoutTest {

    @Test
    void nativeArraysDoNotPileUpAcrossCalls() throws IOException {
        float[] image = Goldens.floats("inputs/img_wide.npy");
        try (ClipModel model = ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.CLEARCLIP, Towers.BOTH, Device.cpu())) {
            int[][] tokens = {dev.clearclip.tokenizer.ClipTokenizer.bundled().tokenize("a photo of a cat.", 77)};
            model.normalisedDenseFeatures(image, 1, 224, 336);
            try (NDManager s = model.newScope()) {
                model.textFeatures(s, tokens);
            }
            int afterOne = liveArrays(model);
            for (int i = 0; i < 100; i++) {
                model.normalisedDenseFeatures(image, 1, 224, 336);
                try (NDManager s = model.newScope()) {
                    model.textFeatures(s, tokens);
                }
            }
            assertEquals(afterOne, liveArrays(model), "live native arrays after 100 calls vs after 1");
        }
    }

    @Test
    void bothFolderLayoutsGiveIdenticalFeatures() throws IOException {
        float[] image = Goldens.floats("inputs/img224.npy");
        float[] fromOpenClip;
        float[] fromHf;
        try (ClipModel m = ClipModel.load(load("tiny-openclip"), LastBlockVariant.CLEARCLIP, Towers.VISION, Device.cpu())) {
            fromOpenClip = m.normalisedDenseFeatures(image, 1, 224, 224);
        }
        try (ClipModel m = ClipModel.load(load("tiny-hf"), LastBlockVariant.CLEARCLIP, Towers.VISION, Device.cpu())) {
            fromHf = m.normalisedDenseFeatures(image, 1, 224, 224);
        }
        assertArrayEquals(fromOpenClip, fromHf);
        Goldens.assertClose("hf layout dense", Goldens.floats("vision/img224_dense_clearclip_norm.npy"), fromHf, 2e-6);
    }

    private static dev.clearclip.weights.ClipCheckpoint load(String name) {
        return ModelLoader.load(ModelFolder.detect(TinyCheckpoints.folder(name), name), Towers.BOTH);
    }

    private static int liveArrays(ClipModel model) {
        return model.liveArrayCount();
    }
}
