package dev.clearclip.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clearclip.model.ClipModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs windows of many images through the image encoder, {@code batch} at a time (windows of equal padded size
 * share a batch), and returns each window's cosine logits at patch resolution. These are small, so they come back
 * to the heap and each batch's native memory is freed at once.
 */
final class WindowEncoder {
    private final ClipModel model;
    private final NDArray queriesT; // (E, Q), in the owner's manager
    private final int queries;
    private final int batch;

    WindowEncoder(ClipModel model, NDArray queriesT, int batch) {
        this.model = model;
        this.queriesT = queriesT;
        this.queries = (int) queriesT.getShape().get(1);
        this.batch = batch;
    }

    /** A window of one image; the crop is read from that image's CHW data. */
    record Job(PreparedImage image, Window window, int gridH, int gridW) {
        static Job of(PreparedImage image, Window w, int patch) {
            return new Job(image, w, w.paddedHeight() / patch, w.paddedWidth() / patch);
        }
    }

    /** Cosine logits (Q, gridH, gridW) row-major for every job, in job order. */
    float[][] encode(List<Job> jobs) {
        float[][] out = new float[jobs.size()][];
        Map<Long, List<Integer>> bySize = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            Job j = jobs.get(i);
            bySize.computeIfAbsent((long) j.gridH << 32 | j.gridW, k -> new ArrayList<>()).add(i);
        }
        for (List<Integer> group : bySize.values()) {
            for (int from = 0; from < group.size(); from += batch) {
                List<Integer> chunk = group.subList(from, Math.min(from + batch, group.size()));
                float[][] logits = run(chunk.stream().map(jobs::get).toList());
                for (int k = 0; k < chunk.size(); k++) {
                    out[chunk.get(k)] = logits[k];
                }
            }
        }
        return out;
    }

    private float[][] run(List<Job> chunk) {
        int patch = model.patchSize();
        int h = chunk.get(0).gridH * patch;
        int w = chunk.get(0).gridW * patch;
        float[] pixels = new float[chunk.size() * 3 * h * w];
        for (int b = 0; b < chunk.size(); b++) {
            copyCrop(chunk.get(b), pixels, b * 3 * h * w, h, w);
        }
        try (NDManager scope = model.newScope()) {
            NDArray images = scope.create(pixels, new Shape(chunk.size(), 3, h, w));
            NDArray dense = model.denseFeatures(images); // (B, N, E)
            NDArray normalised = dense.div(dense.norm(new int[] {-1}, true));
            NDArray logits = normalised.matMul(queriesT).transpose(0, 2, 1); // (B, Q, N)
            float[] flat = logits.toFloatArray();
            int per = queries * (h / patch) * (w / patch);
            float[][] out = new float[chunk.size()][];
            for (int b = 0; b < chunk.size(); b++) {
                out[b] = java.util.Arrays.copyOfRange(flat, b * per, (b + 1) * per);
            }
            return out;
        }
    }

    /** Copies the window (zero padding around it) into dst as (3, h, w); h, w may cut a window to whole patches. */
    private static void copyCrop(Job job, float[] dst, int offset, int h, int w) {
        PreparedImage img = job.image;
        Window win = job.window;
        int rows = Math.min(win.height(), h - win.padTop());
        int cols = Math.min(win.width(), w - win.padLeft());
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < rows; y++) {
                int src = (c * img.height() + win.y1() + y) * img.width() + win.x1();
                int to = offset + (c * h + win.padTop() + y) * w + win.padLeft();
                System.arraycopy(img.chw(), src, dst, to, cols);
            }
        }
    }
}
