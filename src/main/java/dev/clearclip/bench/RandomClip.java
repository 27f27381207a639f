package dev.clearclip.bench;

import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.weights.ClipConfig;
import dev.clearclip.vocabulary.Vocabulary;
import dev.clearclip.weights.ClipCheckpoint;
import dev.clearclip.weights.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Full-size CLIP image encoders with seeded random weights ({@code random:ViT-B/16}, {@code random:ViT-L/14},
 * {@code random:tiny}), because real weights cannot be downloaded where the benchmark runs. Only the image tower is
 * built: a random text tower would give meaningless embeddings, so vocabularies get random unit rows instead.
 * Initialised with CLIP's own scales so activations stay in a realistic range through all blocks.
 */
public final class RandomClip {
    public static final String PREFIX = "random:";

    private RandomClip() {
    }

    public static boolean isRandom(String modelArg) {
        return modelArg != null && modelArg.startsWith(PREFIX);
    }

    public static ClipConfig config(String modelArg) {
        String name = modelArg.substring(PREFIX.length());
        return switch (name) {
            case "ViT-B/16" -> config(16, 768, 12, 12, 512, 512, 12, 8);
            case "ViT-L/14" -> config(14, 1024, 24, 16, 768, 768, 12, 12);
            case "tiny" -> config(16, 64, 2, 2, 32, 64, 2, 2);
            default -> throw new IllegalArgumentException("unknown random model '" + modelArg
                    + "': expected random:ViT-B/16, random:ViT-L/14 or random:tiny");
        };
    }

    private static ClipConfig config(int patch, int width, int layers, int heads, int embed, int textWidth,
                                     int textLayers, int textHeads) {
        return new ClipConfig(embed, new ClipConfig.Vision(224, patch, width, layers, heads, 4 * width),
                new ClipConfig.Text(77, 49408, textWidth, textLayers, textHeads, 4 * textWidth),
                ClipConfig.Activation.QUICK_GELU, 1e-5f);
    }

    /** The image tower's parameters under the canonical names, drawn from {@code seed}. */
    public static ClipCheckpoint vision(String modelArg, long seed) {
        ClipConfig c = config(modelArg);
        ClipConfig.Vision v = c.vision();
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> p = new LinkedHashMap<>();
        int w = v.width();
        double scale = Math.pow(w, -0.5);
        double attnStd = scale;
        double projStd = scale * Math.pow(2.0 * v.layers(), -0.5);
        double fcStd = Math.pow(2.0 * w, -0.5);
        int grid = v.grid();
        p.put("visual.conv1.weight", normal(random, Math.pow(3.0 * v.patchSize() * v.patchSize(), -0.5),
                w, 3, v.patchSize(), v.patchSize()));
        p.put("visual.class_embedding", normal(random, scale, w));
        p.put("visual.positional_embedding", normal(random, scale, (long) grid * grid + 1, w));
        layerNorm(p, "visual.ln_pre", w);
        for (int i = 0; i < v.layers(); i++) {
            String b = "visual.transformer.resblocks." + i + ".";
            layerNorm(p, b + "ln_1", w);
            layerNorm(p, b + "ln_2", w);
            p.put(b + "attn.in_proj_weight", normal(random, attnStd, 3L * w, w));
            p.put(b + "attn.in_proj_bias", zeros(3L * w));
            p.put(b + "attn.out_proj.weight", normal(random, projStd, w, w));
            p.put(b + "attn.out_proj.bias", zeros(w));
            p.put(b + "mlp.c_fc.weight", normal(random, fcStd, v.mlpWidth(), w));
            p.put(b + "mlp.c_fc.bias", zeros(v.mlpWidth()));
            p.put(b + "mlp.c_proj.weight", normal(random, projStd, w, v.mlpWidth()));
            p.put(b + "mlp.c_proj.bias", zeros(w));
        }
        layerNorm(p, "visual.ln_post", w);
        p.put("visual.proj", normal(random, scale, w, c.embedDim()));
        return new ClipCheckpoint(modelArg, "random-seed-" + seed, c, p);
    }

    /** Random unit rows standing in for the text tower's query embeddings of {@code vocabulary}. */
    public static QueryEmbeddings queries(Vocabulary vocabulary, int embedDim, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = vocabulary.classOfQuery().length;
        float[] rows = new float[n * embedDim];
        for (int q = 0; q < n; q++) {
            double norm = 0;
            for (int i = 0; i < embedDim; i++) {
                float x = (float) random.nextGaussian();
                rows[q * embedDim + i] = x;
                norm += (double) x * x;
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < embedDim; i++) {
                rows[q * embedDim + i] *= inv;
            }
        }
        return new QueryEmbeddings(vocabulary.name(), vocabulary.sha256(), List.copyOf(vocabulary.classNames()),
                vocabulary.classOfQuery(), embedDim, rows);
    }

    private static void layerNorm(Map<String, Tensor> p, String prefix, int w) {
        float[] ones = new float[w];
        java.util.Arrays.fill(ones, 1f);
        p.put(prefix + ".weight", new Tensor(new long[] {w}, ones));
        p.put(prefix + ".bias", zeros(w));
    }

    private static Tensor zeros(long n) {
        return new Tensor(new long[] {n}, new float[Math.toIntExact(n)]);
    }

    private static Tensor normal(SplittableRandom random, double std, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        float[] data = new float[Math.toIntExact(n)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (std * random.nextGaussian());
        }
        return new Tensor(shape, data);
    }
}
