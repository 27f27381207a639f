package dev.clearclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.weights.ClipCheckpoint;
import dev.clearclip.weights.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test-only: the tiny fixture model read straight from its F32 safetensors file and tiny-model.json. */
public final class TinyCheckpoints {
    private static ClipCheckpoint cached;

    private TinyCheckpoints() {
    }

    public static synchronized ClipCheckpoint tiny() throws IOException {
        if (cached != null) {
            return cached;
        }
        byte[] file;
        try (InputStream in = TinyCheckpoints.class.getResourceAsStream("/fixtures/models/tiny-openclip/open_clip_model.safetensors")) {
            file = in.readAllBytes();
        }
        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) buf.getLong(0);
        ObjectMapper json = new ObjectMapper();
        JsonNode header = json.readTree(new String(file, 8, n, StandardCharsets.UTF_8));
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (Iterator<String> it = header.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.equals("__metadata__")) {
                continue;
            }
            JsonNode info = header.get(name);
            long[] shape = new long[info.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = info.get("shape").get(i).asLong();
            }
            int begin = info.get("data_offsets").get(0).asInt();
            int end = info.get("data_offsets").get(1).asInt();
            float[] data = new float[(end - begin) / 4];
            buf.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(8 + n + begin).slice()
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
            params.put(name, new Tensor(shape, data));
        }
        JsonNode m;
        try (InputStream in = TinyCheckpoints.class.getResourceAsStream("/fixtures/tiny-model.json")) {
            m = json.readTree(in);
        }
        JsonNode v = m.get("vision");
        JsonNode t = m.get("text");
        ClipConfig config = new ClipConfig(m.get("embed_dim").asInt(),
                new ClipConfig.Vision(v.get("image_size").asInt(), v.get("patch_size").asInt(), v.get("width").asInt(),
                        v.get("layers").asInt(), v.get("heads").asInt(), v.get("mlp_width").asInt()),
                new ClipConfig.Text(t.get("context_length").asInt(), t.get("vocab_size").asInt(), t.get("width").asInt(),
                        t.get("layers").asInt(), t.get("heads").asInt(), t.get("mlp_width").asInt()),
                ClipConfig.Activation.QUICK_GELU, 1e-5f);
        cached = new ClipCheckpoint("tiny", "n/a", config, params);
        return cached;
    }
}
