package dev.clearclip.weights;

import dev.clearclip.weights.ClipConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a weights file in some layout into the canonical parameter set: sizes come from the shapes, every expected key
 * must be present with the right shape, and no key may be left over (a silently ignored weight is a wrong model).
 */
final class CheckpointAssembler {

    private static final int MAX_LISTED = 12;

    private final SafetensorsFile file;
    private final CheckpointLayout layout;

    CheckpointAssembler(SafetensorsFile file, CheckpointLayout layout) {
        this.file = file;
        this.layout = layout;
    }

    ModelSizes deriveSizes() {
        long[] conv = shape("visual.conv1.weight", 4);
        long[] positions = shape("visual.positional_embedding", 2);
        long[] proj = shape("visual.proj", 2);
        long[] tokens = shape("token_embedding.weight", 2);
        long[] textPositions = shape("positional_embedding", 2);
        int grid = (int) Math.round(Math.sqrt(positions[0] - 1));
        if ((long) grid * grid + 1 != positions[0]) {
            throw new WeightsException(file.path() + ": " + layout.source("visual.positional_embedding").keys()
                    + " has " + positions[0] + " rows, not 1 + a square number of patches");
        }
        int visionLayers = countLayers(CanonicalShapes.VISION_BLOCKS);
        int textLayers = countLayers(CanonicalShapes.TEXT_BLOCKS);
        long visionMlp = shape(CanonicalShapes.VISION_BLOCKS + "0.mlp.c_fc.weight", 2)[0];
        long textMlp = shape(CanonicalShapes.TEXT_BLOCKS + "0.mlp.c_fc.weight", 2)[0];
        return new ModelSizes(toInt(proj[1]), toInt(grid * conv[2]), toInt(conv[2]), toInt(conv[0]), visionLayers,
                toInt(visionMlp), toInt(textPositions[0]), toInt(tokens[0]), toInt(tokens[1]), textLayers,
                toInt(textMlp));
    }

    /** Checks every key against the shapes {@code config} implies; returns nothing, throws listing all problems. */
    void validate(ClipConfig config) {
        List<String> problems = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Map.Entry<String, long[]> e : CanonicalShapes.of(config).entrySet()) {
            CheckpointLayout.Source source = layout.source(e.getKey());
            long[] expected = source.fileShape(e.getValue());
            for (String key : source.keys()) {
                used.add(key);
                if (!file.contains(key)) {
                    problems.add("missing key " + key + " (expected shape " + Arrays.toString(expected) + ")");
                } else if (!Arrays.equals(file.info(key).shape(), expected)) {
                    problems.add("key " + key + ": expected shape " + Arrays.toString(expected) + ", found "
                            + file.info(key).shapeText());
                } else if (!file.info(key).dtype().readable()) {
                    problems.add("key " + key + ": dtype " + file.info(key).dtype()
                            + " is not supported (only F32, F16 and BF16 weights)");
                }
            }
        }
        for (String key : file.names()) {
            if (!used.contains(key) && !layout.ignored(key)) {
                problems.add("unused key " + key + " " + file.info(key).shapeText()
                        + " (not part of a " + config.vision().layers() + "+" + config.text().layers()
                        + "-layer CLIP ViT)");
            }
        }
        if (!problems.isEmpty()) {
            List<String> listed = problems.subList(0, Math.min(MAX_LISTED, problems.size()));
            String more = problems.size() > MAX_LISTED ? "\n  ... and " + (problems.size() - MAX_LISTED) + " more" : "";
            throw new WeightsException(file.path() + " does not match the " + layout.weightsFileName()
                    + " CLIP layout:\n  " + String.join("\n  ", listed) + more);
        }
    }

    /** Reads the selected towers' parameters under canonical names (call {@link #validate} first). */
    Map<String, Tensor> read(ClipConfig config, Towers towers) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : CanonicalShapes.of(config).entrySet()) {
            if (towers.includes(e.getKey())) {
                out.put(e.getKey(), read(layout.source(e.getKey()), e.getValue()));
            }
        }
        return out;
    }

    private Tensor read(CheckpointLayout.Source source, long[] shape) {
        if (source.transposed()) {
            Tensor t = file.readFloat32(source.keys().get(0));
            int rows = (int) t.shape()[0];
            int cols = (int) t.shape()[1];
            float[] out = new float[t.data().length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    out[c * rows + r] = t.data()[r * cols + c];
                }
            }
            return new Tensor(shape, out);
        }
        if (source.keys().size() == 1) {
            return new Tensor(shape, file.readFloat32(source.keys().get(0)).data());
        }
        float[] out = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
        int at = 0;
        for (String key : source.keys()) {
            float[] part = file.readFloat32(key).data();
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return new Tensor(shape, out);
    }

    /** The canonical shape of one parameter as the file stores it, required to have {@code rank} dimensions. */
    private long[] shape(String canonical, int rank) {
        CheckpointLayout.Source source = layout.source(canonical);
        long[] first = null;
        long rows = 0;
        for (String key : source.keys()) {
            if (!file.contains(key)) {
                throw new WeightsException(file.path() + ": missing key " + key
                        + " (needed to derive the model's sizes)");
            }
            long[] s = file.info(key).shape();
            if (s.length != rank) {
                throw new WeightsException(file.path() + ": key " + key + " has shape " + Arrays.toString(s)
                        + ", expected " + rank + " dimensions");
            }
            first = first == null ? s : first;
            rows += s[0];
        }
        long[] canonicalShape = source.transposed() ? new long[]{first[1], first[0]} : first.clone();
        canonicalShape[0] = source.transposed() ? canonicalShape[0] : rows;
        return canonicalShape;
    }

    private int countLayers(String canonicalBlocks) {
        int n = 0;
        while (file.contains(layout.source(canonicalBlocks + n + ".ln_1.weight").keys().get(0))) {
            n++;
        }
        if (n == 0) {
            throw new WeightsException(file.path() + ": no transformer blocks found (looked for "
                    + layout.source(canonicalBlocks + "0.ln_1.weight").keys().get(0) + ")");
        }
        return n;
    }

    private int toInt(long v) {
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new WeightsException(file.path() + ": implausible size " + v + " derived from the weight shapes");
        }
        return (int) v;
    }
}
