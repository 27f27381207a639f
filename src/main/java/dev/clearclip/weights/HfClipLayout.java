package dev.clearclip.weights;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clearclip.weights.ClipConfig;

import java.nio.file.Path;
import java.util.Map;

/**
 * Hugging Face {@code CLIPModel} folders ({@code config.json} + {@code model.safetensors}), mapped to canonical names by
 * the inverse of transformers' convert_clip_original_pytorch_to_hf.py.
 */
final class HfClipLayout implements CheckpointLayout {

    static final HfClipLayout INSTANCE = new HfClipLayout();

    private static final Map<String, String> TOP_LEVEL = Map.ofEntries(
            Map.entry("visual.conv1.weight", "vision_model.embeddings.patch_embedding.weight"),
            Map.entry("visual.class_embedding", "vision_model.embeddings.class_embedding"),
            Map.entry("visual.positional_embedding", "vision_model.embeddings.position_embedding.weight"),
            Map.entry("visual.ln_pre.weight", "vision_model.pre_layrnorm.weight"),
            Map.entry("visual.ln_pre.bias", "vision_model.pre_layrnorm.bias"),
            Map.entry("visual.ln_post.weight", "vision_model.post_layernorm.weight"),
            Map.entry("visual.ln_post.bias", "vision_model.post_layernorm.bias"),
            Map.entry("token_embedding.weight", "text_model.embeddings.token_embedding.weight"),
            Map.entry("positional_embedding", "text_model.embeddings.position_embedding.weight"),
            Map.entry("ln_final.weight", "text_model.final_layer_norm.weight"),
            Map.entry("ln_final.bias", "text_model.final_layer_norm.bias"),
            Map.entry("logit_scale", "logit_scale"));

    /** Stored as nn.Linear weights, i.e. the transpose of the canonical {@code x @ proj} matrices. */
    private static final Map<String, String> TRANSPOSED = Map.of(
            "visual.proj", "visual_projection.weight",
            "text_projection", "text_projection.weight");

    /** Per residual block: canonical suffix -> HF suffix (in_proj is assembled from q/k/v separately). */
    private static final Map<String, String> BLOCK = Map.ofEntries(
            Map.entry("ln_1.weight", "layer_norm1.weight"),
            Map.entry("ln_1.bias", "layer_norm1.bias"),
            Map.entry("attn.out_proj.weight", "self_attn.out_proj.weight"),
            Map.entry("attn.out_proj.bias", "self_attn.out_proj.bias"),
            Map.entry("ln_2.weight", "layer_norm2.weight"),
            Map.entry("ln_2.bias", "layer_norm2.bias"),
            Map.entry("mlp.c_fc.weight", "mlp.fc1.weight"),
            Map.entry("mlp.c_fc.bias", "mlp.fc1.bias"),
            Map.entry("mlp.c_proj.weight", "mlp.fc2.weight"),
            Map.entry("mlp.c_proj.bias", "mlp.fc2.bias"));

    private static final int DEFAULT_VISION_HEADS = 12;
    private static final int DEFAULT_TEXT_HEADS = 8;

    @Override
    public String configFileName() {
        return "config.json";
    }

    @Override
    public String weightsFileName() {
        return "model.safetensors";
    }

    @Override
    public Source source(String canonical) {
        String key = TOP_LEVEL.get(canonical);
        if (key != null) {
            return Source.of(key);
        }
        key = TRANSPOSED.get(canonical);
        if (key != null) {
            return Source.transposedOf(key);
        }
        String rest;
        String hfBlocks;
        if (canonical.startsWith(CanonicalShapes.VISION_BLOCKS)) {
            rest = canonical.substring(CanonicalShapes.VISION_BLOCKS.length());
            hfBlocks = "vision_model.encoder.layers.";
        } else if (canonical.startsWith(CanonicalShapes.TEXT_BLOCKS)) {
            rest = canonical.substring(CanonicalShapes.TEXT_BLOCKS.length());
            hfBlocks = "text_model.encoder.layers.";
        } else {
            throw new IllegalArgumentException("not a canonical CLIP parameter: " + canonical);
        }
        int dot = rest.indexOf('.');
        String prefix = hfBlocks + rest.substring(0, dot) + ".";
        String suffix = rest.substring(dot + 1);
        switch (suffix) {
            case "attn.in_proj_weight":
                return Source.stacked(prefix + "self_attn.q_proj.weight", prefix + "self_attn.k_proj.weight",
                        prefix + "self_attn.v_proj.weight");
            case "attn.in_proj_bias":
                return Source.stacked(prefix + "self_attn.q_proj.bias", prefix + "self_attn.k_proj.bias",
                        prefix + "self_attn.v_proj.bias");
            default:
                String hf = BLOCK.get(suffix);
                if (hf == null) {
                    throw new IllegalArgumentException("not a canonical CLIP parameter: " + canonical);
                }
                return Source.of(prefix + hf);
        }
    }

    @Override
    public boolean ignored(String fileKey) {
        return fileKey.endsWith("embeddings.position_ids");
    }

    @Override
    public ClipConfig config(JsonNode json, Path configFile, ModelSizes s) {
        ConfigJson cfg = new ConfigJson(configFile);
        // very old hub configs only carry the *_config_dict variants
        JsonNode vision = ConfigJson.child(json, "vision_config", "vision_config_dict");
        JsonNode text = ConfigJson.child(json, "text_config", "text_config_dict");
        cfg.checkDeclared(json, "", "projection_dim", s.embedDim());
        cfg.checkDeclared(vision, "vision_config.", "hidden_size", s.visionWidth());
        cfg.checkDeclared(vision, "vision_config.", "num_hidden_layers", s.visionLayers());
        cfg.checkDeclared(vision, "vision_config.", "intermediate_size", s.visionMlp());
        cfg.checkDeclared(vision, "vision_config.", "patch_size", s.patchSize());
        cfg.checkDeclared(vision, "vision_config.", "image_size", s.imageSize());
        cfg.checkDeclared(text, "text_config.", "hidden_size", s.textWidth());
        cfg.checkDeclared(text, "text_config.", "num_hidden_layers", s.textLayers());
        cfg.checkDeclared(text, "text_config.", "intermediate_size", s.textMlp());
        cfg.checkDeclared(text, "text_config.", "vocab_size", s.vocabSize());
        cfg.checkDeclared(text, "text_config.", "max_position_embeddings", s.contextLength());

        // defaults are transformers' CLIPVisionConfig / CLIPTextConfig defaults, which apply to sparse configs
        int visionHeads = cfg.intOr(vision, "num_attention_heads", DEFAULT_VISION_HEADS);
        int textHeads = cfg.intOr(text, "num_attention_heads", DEFAULT_TEXT_HEADS);
        String visionAct = cfg.textOr(vision, "hidden_act", "quick_gelu");
        String textAct = cfg.textOr(text, "hidden_act", "quick_gelu");
        if (!visionAct.equals(textAct)) {
            throw new WeightsException(configFile + ": vision hidden_act " + visionAct + " differs from text hidden_act "
                    + textAct + " (one activation per model is supported)");
        }
        double visionEps = vision.path("layer_norm_eps").asDouble(1e-5);
        double textEps = text.path("layer_norm_eps").asDouble(1e-5);
        if (visionEps != textEps) {
            throw new WeightsException(configFile + ": vision layer_norm_eps " + visionEps
                    + " differs from text layer_norm_eps " + textEps);
        }
        ClipConfig.Activation activation = cfg.activation(visionAct, "hidden_act");
        return cfg.build(() -> new ClipConfig(s.embedDim(),
                new ClipConfig.Vision(s.imageSize(), s.patchSize(), s.visionWidth(), s.visionLayers(), visionHeads,
                        s.visionMlp()),
                new ClipConfig.Text(s.contextLength(), s.vocabSize(), s.textWidth(), s.textLayers(), textHeads,
                        s.textMlp()),
                activation, (float) visionEps));
    }
}
