package dev.clearclip.weights;

import dev.clearclip.weights.ClipConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.clearclip.weights.SafetensorsTestFiles.f32;
import static dev.clearclip.weights.SafetensorsTestFiles.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelLoaderTest {

    private static final Path HF = fixture("models/tiny-hf");
    private static final Path OPEN_CLIP = fixture("models/tiny-openclip");

    @TempDir
    Path dir;

    @Test
    void bothLayoutsLoadToTheSameCanonicalCheckpoint() {
        ClipCheckpoint hf = ModelLoader.load(ModelFolder.detect(HF, "hf"), Towers.BOTH);
        ClipCheckpoint oc = ModelLoader.load(ModelFolder.detect(OPEN_CLIP, "oc"), Towers.BOTH);

        ClipConfig expected = new ClipConfig(32, new ClipConfig.Vision(224, 16, 64, 3, 4, 256),
                new ClipConfig.Text(77, 49408, 32, 2, 2, 128), ClipConfig.Activation.QUICK_GELU, 1e-5f);
        assertEquals(expected, hf.config());
        assertEquals(expected, oc.config());
        assertEquals(oc.parameters().keySet(), hf.parameters().keySet());
        assertEquals(8 + 3 * 12 + 6 + 2 * 12, oc.parameters().size());
        for (Map.Entry<String, Tensor> e : oc.parameters().entrySet()) {
            Tensor h = hf.parameters().get(e.getKey());
            assertArrayEquals(e.getValue().shape(), h.shape(), e.getKey());
            assertArrayEquals(e.getValue().data(), h.data(), e.getKey());
        }
        assertArrayEquals(new long[]{192, 64}, hf.require("visual.transformer.resblocks.2.attn.in_proj_weight").shape());
        assertArrayEquals(new long[]{64, 32}, hf.require("visual.proj").shape());
        assertEquals("bed592fdc9f2b71584d6d580a452d6355157c5b7ea49afee744150bd799171b4", hf.weightsSha256());
        assertEquals("70ab62890236d78aa10bc1588754f9a6e285a323529febf3beaef173d03c9152", oc.weightsSha256());
        assertEquals("hf", hf.modelId());
    }

    @Test
    void towersSelectWhatIsRead() {
        ClipCheckpoint vision = ModelLoader.load(ModelFolder.detect(HF, "hf"), Towers.VISION);
        assertEquals(8 + 3 * 12, vision.parameters().size());
        assertTrue(vision.parameters().keySet().stream().allMatch(k -> k.startsWith("visual.")));
        assertEquals(49408, vision.config().text().vocabSize()); // the config is complete either way

        ClipCheckpoint text = ModelLoader.load(ModelFolder.detect(OPEN_CLIP, "oc"), Towers.TEXT);
        assertEquals(6 + 2 * 12, text.parameters().size());
        assertTrue(text.parameters().keySet().stream().noneMatch(k -> k.startsWith("visual.")));
    }

    @Test
    void missingKeyIsNamedWithItsExpectedShape() throws IOException {
        Path copy = hfCopy(e -> e.remove("vision_model.encoder.layers.1.self_attn.k_proj.weight"));
        WeightsException e = assertThrows(WeightsException.class, () -> load(copy));
        assertTrue(e.getMessage().contains("missing key vision_model.encoder.layers.1.self_attn.k_proj.weight "
                + "(expected shape [64, 64])"), e.getMessage());
    }

    @Test
    void extraKeyIsRejectedButHfPositionIdsAreIgnored() throws IOException {
        Path extra = SafetensorsTestFiles.editedCopy(OPEN_CLIP, dir.resolve("extra"), "open_clip_config.json",
                "open_clip_model.safetensors", e -> e.put("visual.attn_pool.weight",
                        f32("visual.attn_pool.weight", new long[]{2}, 1, 2)));
        WeightsException e = assertThrows(WeightsException.class, () -> load(extra));
        assertTrue(e.getMessage().contains("unused key visual.attn_pool.weight [2]"), e.getMessage());

        Path withIds = hfCopy(m -> m.put("vision_model.embeddings.position_ids", new SafetensorsTestFiles.Entry(
                "vision_model.embeddings.position_ids", "I64", new long[]{1, 197}, new byte[8 * 197])));
        assertEquals(4, load(withIds).config().vision().heads());
    }

    @Test
    void wrongShapeNamesKeyExpectedAndFound() throws IOException {
        String key = "visual.transformer.resblocks.1.mlp.c_fc.bias";
        Path copy = SafetensorsTestFiles.editedCopy(OPEN_CLIP, dir.resolve("shape"), "open_clip_config.json",
                "open_clip_model.safetensors", e -> e.put(key, f32(key, new long[]{255}, new float[255])));
        WeightsException e = assertThrows(WeightsException.class, () -> load(copy));
        assertTrue(e.getMessage().contains("key " + key + ": expected shape [256], found [255]"), e.getMessage());
    }

    @Test
    void configContradictingTheWeightsIsRejected() throws IOException {
        Path copy = hfCopy(e -> { });
        Path config = copy.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"hidden_size\": 64", "\"hidden_size\": 768"));
        WeightsException e = assertThrows(WeightsException.class, () -> load(copy));
        assertTrue(e.getMessage().contains("vision_config.hidden_size is 768 but the weights have 64"), e.getMessage());

        Files.writeString(config, Files.readString(config).replace("\"hidden_size\": 768", "\"hidden_size\": 64")
                .replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5"));
        e = assertThrows(WeightsException.class, () -> load(copy));
        assertTrue(e.getMessage().contains("not divisible by heads 5") && e.getMessage().contains("config.json"),
                e.getMessage());
    }

    @Test
    void openClipConfigGivesHeadsFromHeadWidthAndActivation() throws IOException {
        Path copy = SafetensorsTestFiles.editedCopy(OPEN_CLIP, dir.resolve("gelu"), "open_clip_config.json",
                "open_clip_model.safetensors", e -> { });
        Path config = copy.resolve("open_clip_config.json");
        Files.writeString(config, Files.readString(config).replace("\"quick_gelu\": true", "\"quick_gelu\": false")
                .replace("\"head_width\": 16", "\"head_width\": 32"));
        ClipConfig c = ModelLoader.readConfig(ModelFolder.detect(copy, "x"));
        assertEquals(ClipConfig.Activation.GELU, c.activation());
        assertEquals(2, c.vision().heads());
    }

    @Test
    void folderWithNeitherLayoutSaysWhatItLookedFor() throws IOException {
        Files.writeString(dir.resolve("pytorch_model.bin"), "x");
        WeightsException e = assertThrows(WeightsException.class, () -> ModelFolder.detect(dir, "d"));
        assertTrue(e.getMessage().contains("config.json + model.safetensors")
                && e.getMessage().contains("open_clip_config.json + open_clip_model.safetensors")
                && e.getMessage().contains("pytorch_model.bin"), e.getMessage());
    }

    @Test
    void resolverTakesFoldersAndRejectsNonsense() {
        ModelResolver resolver = new ModelResolver(new HubClient(
                new HubSettings(java.net.URI.create("http://127.0.0.1:9"), dir, null, true)));
        assertEquals(ModelLayout.OPEN_CLIP, resolver.resolve(OPEN_CLIP.toString()).layout());
        assertEquals(ModelLayout.HF_CLIP, resolver.resolve(HF.toString()).layout());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolver.resolve("no/such/thing"));
        assertTrue(e.getMessage().contains("no/such/thing"), e.getMessage());
        WeightsException offline = assertThrows(WeightsException.class, () -> resolver.resolve("org/absent"));
        assertTrue(offline.getMessage().contains("org/absent@main"), offline.getMessage());
    }

    private Path hfCopy(java.util.function.Consumer<Map<String, SafetensorsTestFiles.Entry>> edit) throws IOException {
        return SafetensorsTestFiles.editedCopy(HF, dir.resolve("hf-" + System.nanoTime()), "config.json",
                "model.safetensors", edit);
    }

    private static ClipCheckpoint load(Path folder) {
        return ModelLoader.load(ModelFolder.detect(folder, folder.toString()), Towers.BOTH);
    }
}
