package dev.clearclip.weights;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clearclip.weights.ClipConfig;

import java.nio.file.Path;

/** OpenCLIP / OpenAI folders: {@code open_clip_config.json} + weights already under the canonical names. */
final class OpenClipLayout implements CheckpointLayout {

    static final OpenClipLayout INSTANCE = new OpenClipLayout();

    /** open_clip's default for every OpenAI/LAION ViT when the config omits it. */
    private static final int DEFAULT_HEAD_WIDTH = 64;
    private static final int DEFAULT_TEXT_HEADS = 8;

    @Override
    public String configFileName() {
        return "open_clip_config.json";
    }

    @Override
    public String weightsFileName() {
        return "open_clip_model.safetensors";
    }

    @Override
    public Source source(String canonicalName) {
        return Source.of(canonicalName);
    }

    @Override
    public boolean ignored(String fileKey) {
        return false;
    }

    @Override
    public ClipConfig config(JsonNode json, Path configFile, ModelSizes s) {
        ConfigJson cfg = new ConfigJson(configFile);
        // hub repos wrap the model config in "model_cfg"; open_clip's own model_configs/*.json do not
        JsonNode model = json.has("model_cfg") ? json.get("model_cfg") : json;
        JsonNode vision = ConfigJson.child(model, "vision_cfg");
        JsonNode text = ConfigJson.child(model, "text_cfg");
        cfg.checkDeclared(model, "", "embed_dim", s.embedDim());
        cfg.checkDeclared(vision, "vision_cfg.", "width", s.visionWidth());
        cfg.checkDeclared(vision, "vision_cfg.", "layers", s.visionLayers());
        cfg.checkDeclared(vision, "vision_cfg.", "patch_size", s.patchSize());
        cfg.checkDeclared(vision, "vision_cfg.", "image_size", s.imageSize());
        cfg.checkDeclared(text, "text_cfg.", "width", s.textWidth());
        cfg.checkDeclared(text, "text_cfg.", "layers", s.textLayers());
        cfg.checkDeclared(text, "text_cfg.", "context_length", s.contextLength());
        cfg.checkDeclared(text, "text_cfg.", "vocab_size", s.vocabSize());

        int headWidth = cfg.intOr(vision, "head_width", DEFAULT_HEAD_WIDTH);
        if (headWidth <= 0 || s.visionWidth() % headWidth != 0) {
            throw new WeightsException(configFile + ": vision_cfg.head_width " + headWidth
                    + " does not divide the vision width " + s.visionWidth());
        }
        int textHeads = cfg.intOr(text, "heads", DEFAULT_TEXT_HEADS);
        ClipConfig.Activation activation = activation(cfg, model, vision, text);
        float eps = (float) ConfigJson.child(ConfigJson.child(vision, "norm_kwargs"), "eps").asDouble(1e-5);
        return cfg.build(() -> new ClipConfig(s.embedDim(),
                new ClipConfig.Vision(s.imageSize(), s.patchSize(), s.visionWidth(), s.visionLayers(),
                        s.visionWidth() / headWidth, s.visionMlp()),
                new ClipConfig.Text(s.contextLength(), s.vocabSize(), s.textWidth(), s.textLayers(), textHeads,
                        s.textMlp()),
                activation, eps));
    }

    /** open_clip: {@code quick_gelu: true} wins; otherwise an explicit act_layer; otherwise nn.GELU. */
    private static ClipConfig.Activation activation(ConfigJson cfg, JsonNode model, JsonNode vision, JsonNode text) {
        if (model.path("quick_gelu").asBoolean(false)) {
            return ClipConfig.Activation.QUICK_GELU;
        }
        for (JsonNode node : new JsonNode[]{model, vision, text}) {
            JsonNode act = node.get("act_layer");
            if (act != null && act.isTextual()) {
                return cfg.activation(act.asText(), "act_layer");
            }
        }
        return ClipConfig.Activation.GELU;
    }
}
