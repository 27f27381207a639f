package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NACLIP's Gaussian neighbourhood bias Omega (L, L), L = 1 + Hp * Wp: 0 in the CLS row and column, and between
 * patches i = (r_i, c_i) and j {@code exp(-((r_i - r_j)^2 + (c_i - c_j)^2) / (2 std^2))}. The official code gets the
 * same numbers (to 1.5e-7) from (Hp Wp)^2 one-hot maps convolved with a Gaussian window; here it is the closed form,
 * computed once per grid and cached in the model's manager.
 */
final class NeighbourhoodBias {
    /** The largest bias one grid may take (the attention scores need about heads x this per window as well). */
    static final long MAX_BYTES = LastBlockVariant.NACLIP_BIAS_MAX_BYTES;

    private final double std;
    private final NDManager manager;
    private final Map<Long, NDArray> cache = new ConcurrentHashMap<>();

    NeighbourhoodBias(double std, NDManager manager) {
        if (!(std > 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("gaussian-std must be positive, got " + std);
        }
        this.std = std;
        this.manager = manager;
    }

    static long bytes(long gridH, long gridW) {
        long l = 1 + gridH * gridW;
        return l * l * Float.BYTES;
    }

    /** The (L, L) fp32 bias of a gridH x gridW grid. */
    NDArray forGrid(int gridH, int gridW) {
        if (bytes(gridH, gridW) > MAX_BYTES) {
            throw new IllegalArgumentException("NACLIP's neighbourhood bias of a " + gridH + "x" + gridW + " patch grid "
                    + "needs " + (bytes(gridH, gridW) >> 20) + " MiB (max " + (MAX_BYTES >> 20) + "): use sliding "
                    + "windows (--crop 224 --stride 112) or a smaller --resize-short");
        }
        return cache.computeIfAbsent((long) gridH << 32 | gridW, key -> build(gridH, gridW));
    }

    private synchronized NDArray build(int gridH, int gridW) {
        int n = gridH * gridW;
        int l = n + 1;
        double twoVar = 2 * std * std;
        // exp(-(dr^2 + dc^2) / 2s^2) = g(dr) g(dc): one table per axis
        double[] gr = new double[gridH];
        double[] gc = new double[gridW];
        for (int d = 0; d < gridH; d++) {
            gr[d] = Math.exp(-(double) d * d / twoVar);
        }
        for (int d = 0; d < gridW; d++) {
            gc[d] = Math.exp(-(double) d * d / twoVar);
        }
        float[] omega = new float[l * l];
        for (int i = 0; i < n; i++) {
            int ri = i / gridW;
            int ci = i % gridW;
            int row = (i + 1) * l + 1;
            for (int j = 0; j < n; j++) {
                omega[row + j] = (float) (gr[Math.abs(ri - j / gridW)] * gc[Math.abs(ci - j % gridW)]);
            }
        }
        return manager.create(omega, new Shape(l, l));
    }
}
