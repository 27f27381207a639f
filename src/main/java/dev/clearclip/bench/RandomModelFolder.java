package dev.clearclip.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clearclip.weights.ClipConfig;
import dev.clearclip.weights.ClipCheckpoint;
import dev.clearclip.weights.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a random full-size CLIP (both towers) as an OpenCLIP model folder, plus a folder of the bench's synthetic
 * images, so the Spark job can be measured on exactly the bench's workload:
 * {@code RandomModelFolder random:ViT-B/16 DIR IMAGES WIDTHxHEIGHT}.
 */
public final class RandomModelFolder {
    private RandomModelFolder() {
    }

    public static void main(String[] args) throws IOException {
        String model = args[0];
        Path dir = Path.of(args[1]);
        int images = Integer.parseInt(args[2]);
        int[] wh = java.util.Arrays.stream(args[3].split("x")).mapToInt(Integer::parseInt).toArray();
        long seed = 7;
        ClipCheckpoint vision = RandomClip.vision(model, seed);
        Map<String, Tensor> all = new LinkedHashMap<>(vision.parameters());
        all.putAll(textTower(vision.config(), seed + 1));
        Path folder = Files.createDirectories(dir.resolve("model"));
        writeSafetensors(folder.resolve("open_clip_model.safetensors"), all);
        writeConfig(folder.resolve("open_clip_config.json"), vision.config());
        Path pics = Files.createDirectories(dir.resolve("images"));
        List<byte[]> files = SyntheticImages.make(Math.min(8, images), wh[0], wh[1], "jpg", seed);
        for (int i = 0; i < images; i++) {
            Files.write(pics.resolve(String.format("img_%05d.jpg", i)), files.get(i % files.size()));
        }
    }

    static Map<String, Tensor> textTower(ClipConfig c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ClipConfig.Text t = c.text();
        int w = t.width();
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("token_embedding.weight", normal(r, 0.02, t.vocabSize(), w));
        p.put("positional_embedding", normal(r, 0.01, t.contextLength(), w));
        for (int i = 0; i < t.layers(); i++) {
            String b = "transformer.resblocks." + i + ".";
            for (String ln : new String[] {"ln_1", "ln_2"}) {
                p.put(b + ln + ".weight", ones(w));
                p.put(b + ln + ".bias", zeros(w));
            }
            p.put(b + "attn.in_proj_weight", normal(r, Math.pow(w, -0.5), 3L * w, w));
            p.put(b + "attn.in_proj_bias", zeros(3L * w));
            p.put(b + "attn.out_proj.weight", normal(r, Math.pow(w, -0.5), w, w));
            p.put(b + "attn.out_proj.bias", zeros(w));
            p.put(b + "mlp.c_fc.weight", normal(r, Math.pow(2.0 * w, -0.5), t.mlpWidth(), w));
            p.put(b + "mlp.c_fc.bias", zeros(t.mlpWidth()));
            p.put(b + "mlp.c_proj.weight", normal(r, Math.pow(w, -0.5), w, t.mlpWidth()));
            p.put(b + "mlp.c_proj.bias", zeros(w));
        }
        p.put("ln_final.weight", ones(w));
        p.put("ln_final.bias", zeros(w));
        p.put("text_projection", normal(r, Math.pow(w, -0.5), w, c.embedDim()));
        p.put("logit_scale", new Tensor(new long[0], new float[] {4.6052f}));
        return p;
    }

    static void writeSafetensors(Path file, Map<String, Tensor> tensors) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode info = header.putObject(e.getKey());
            info.put("dtype", "F32");
            var shape = info.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            long bytes = 4L * e.getValue().data().length;
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] h = json.writeValueAsBytes(header);
        int padded = (h.length + 7) / 8 * 8;
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(h);
            out.write(" ".repeat(padded - h.length).getBytes(StandardCharsets.US_ASCII));
            for (Tensor t : tensors.values()) {
                ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(t.data());
                out.write(b.array());
            }
        }
    }

    static void writeConfig(Path file, ClipConfig c) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode m = root.putObject("model_cfg");
        m.put("embed_dim", c.embedDim());
        m.put("quick_gelu", true);
        ObjectNode v = m.putObject("vision_cfg");
        v.put("image_size", c.vision().imageSize());
        v.put("layers", c.vision().layers());
        v.put("width", c.vision().width());
        v.put("patch_size", c.vision().patchSize());
        v.put("head_width", c.vision().headDim());
        ObjectNode t = m.putObject("text_cfg");
        t.put("context_length", c.text().contextLength());
        t.put("vocab_size", c.text().vocabSize());
        t.put("width", c.text().width());
        t.put("heads", c.text().heads());
        t.put("layers", c.text().layers());
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    private static Tensor normal(SplittableRandom r, double std, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        float[] d = new float[Math.toIntExact(n)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (std * r.nextGaussian());
        }
        return new Tensor(shape, d);
    }

    private static Tensor ones(int n) {
        float[] d = new float[n];
        java.util.Arrays.fill(d, 1f);
        return new Tensor(new long[] {n}, d);
    }

    private static Tensor zeros(long n) {
        return new Tensor(new long[] {n}, new float[Math.toIntExact(n)]);
    }
}
