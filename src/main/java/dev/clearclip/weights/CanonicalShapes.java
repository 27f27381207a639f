package dev.clearclip.weights;

import dev.clearclip.weights.ClipConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/** The canonical (OpenAI/OpenCLIP) parameter names of a CLIP and the shape each must have. */
final class CanonicalShapes {

    static final String VISION_BLOCKS = "visual.transformer.resblocks.";
    static final String TEXT_BLOCKS = "transformer.resblocks.";

    private CanonicalShapes() {
    }

    static Map<String, long[]> of(ClipConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        ClipConfig.Vision v = c.vision();
        ClipConfig.Text t = c.text();
        long w = v.width();
        long grid = v.grid();
        s.put("visual.conv1.weight", new long[]{w, 3, v.patchSize(), v.patchSize()});
        s.put("visual.class_embedding", new long[]{w});
        s.put("visual.positional_embedding", new long[]{grid * grid + 1, w});
        norm(s, "visual.ln_pre", w);
        for (int i = 0; i < v.layers(); i++) {
            block(s, VISION_BLOCKS + i + ".", w, v.mlpWidth());
        }
        norm(s, "visual.ln_post", w);
        s.put("visual.proj", new long[]{w, c.embedDim()});
        s.put("token_embedding.weight", new long[]{t.vocabSize(), t.width()});
        s.put("positional_embedding", new long[]{t.contextLength(), t.width()});
        for (int i = 0; i < t.layers(); i++) {
            block(s, TEXT_BLOCKS + i + ".", t.width(), t.mlpWidth());
        }
        norm(s, "ln_final", t.width());
        s.put("text_projection", new long[]{t.width(), c.embedDim()});
        s.put("logit_scale", new long[]{});
        return s;
    }

    private static void block(Map<String, long[]> s, String prefix, long w, long mlp) {
        norm(s, prefix + "ln_1", w);
        s.put(prefix + "attn.in_proj_weight", new long[]{3 * w, w});
        s.put(prefix + "attn.in_proj_bias", new long[]{3 * w});
        s.put(prefix + "attn.out_proj.weight", new long[]{w, w});
        s.put(prefix + "attn.out_proj.bias", new long[]{w});
        norm(s, prefix + "ln_2", w);
        s.put(prefix + "mlp.c_fc.weight", new long[]{mlp, w});
        s.put(prefix + "mlp.c_fc.bias", new long[]{mlp});
        s.put(prefix + "mlp.c_proj.weight", new long[]{w, mlp});
        s.put(prefix + "mlp.c_proj.bias", new long[]{w});
    }

    private static void norm(Map<String, long[]> s, String prefix, long w) {
        s.put(prefix + ".weight", new long[]{w});
        s.put(prefix + ".bias", new long[]{w});
    }
}
