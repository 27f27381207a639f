package dev.clearclip.weights;

/** The two folder layouts real CLIP checkpoints come in, in the order we prefer them. */
public enum ModelLayout {
    /** Hugging Face {@code CLIPModel}: config.json + model.safetensors. */
    HF_CLIP(HfClipLayout.INSTANCE),
    /** OpenCLIP / OpenAI: open_clip_config.json + open_clip_model.safetensors. */
    OPEN_CLIP(OpenClipLayout.INSTANCE);

    private final CheckpointLayout impl;

    ModelLayout(CheckpointLayout impl) {
        this.impl = impl;
    }

    public String configFileName() {
        return impl.configFileName();
    }

    public String weightsFileName() {
        return impl.weightsFileName();
    }

    /**
     * Whether a config file really belongs to this layout: some hub repos (e.g. timm's) ship a config.json that is
     * not a CLIPModel config next to the OpenCLIP files.
     */
    public boolean accepts(java.nio.file.Path configFile) {
        if (this != HF_CLIP) {
            return true;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode json = ConfigJson.read(configFile);
            return json.path("model_type").asText("").equals("clip")
                    || json.path("architectures").toString().contains("\"CLIPModel\"")
                    || (json.has("vision_config") && json.has("text_config"));
        } catch (WeightsException e) {
            return false;
        }
    }

    CheckpointLayout impl() {
        return impl;
    }

    /** e.g. "config.json + model.safetensors", for messages. */
    public String describe() {
        return configFileName() + " + " + weightsFileName();
    }
}
