package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vision positional table, resized to a patch grid exactly as the official ClearCLIP code does: only when the
 * token count differs, with {@code F.interpolate(bicubic, scale_factor=(h + 0.1) / g)} semantics (cubic convolution
 * A = -0.75, source coordinate {@code (dst + 0.5) / scale - 0.5} with the GIVEN scale, border-clamped taps).
 * {@link Correction#POS_EMBED} resizes for every grid other than the stored one instead.
 * DJL's own bicubic antialiases, so the resize is built here as one small interpolation matrix and applied with matMul.
 */
final class PositionalEmbedding {
    private static final double A = -0.75;
    private final NDArray table; // (N, W): CLS row then a g x g grid
    private final int grid;
    private final NDManager manager;
    private final boolean exactGrid;
    private final Map<Long, NDArray> resized = new ConcurrentHashMap<>();

    /** {@code exactGrid}: keep the table only for the stored g x g grid ({@link Correction#POS_EMBED}). */
    PositionalEmbedding(NDArray table, NDManager manager, boolean exactGrid) {
        this.exactGrid = exactGrid;
        this.table = table;
        this.manager = manager;
        long patches = table.getShape().get(0) - 1;
        this.grid = (int) Math.round(Math.sqrt(patches));
        if ((long) grid * grid != patches) {
            throw new IllegalArgumentException("positional embedding has " + patches + " patch rows, not a square grid");
        }
    }

    int grid() {
        return grid;
    }

    /** The (1 + hp * wp, W) table for a hp x wp patch grid; cached per grid size in the model's manager. */
    NDArray forGrid(int hp, int wp) {
        if (exactGrid ? hp == grid && wp == grid : (long) hp * wp == (long) grid * grid) {
            return table; // officially token counts only: a non-square grid of g^2 tokens keeps the square table
        }
        return resized.computeIfAbsent((long) hp << 32 | wp, key -> resize(hp, wp));
    }

    private synchronized NDArray resize(int hp, int wp) {
        double[][] my = weights(grid, hp + 0.1, hp);
        double[][] mx = weights(grid, wp + 0.1, wp);
        int outH = my.length;
        int outW = mx.length;
        float[] kron = new float[outH * outW * grid * grid]; // (outH*outW, g*g): out = kron(My, Mx) @ grid
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                int row = (i * outW + j) * grid * grid;
                for (int y = 0; y < grid; y++) {
                    if (my[i][y] == 0) {
                        continue;
                    }
                    for (int x = 0; x < grid; x++) {
                        kron[row + y * grid + x] = (float) (my[i][y] * mx[j][x]);
                    }
                }
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray matrix = scope.create(kron, new Shape((long) outH * outW, (long) grid * grid));
            NDArray patches = table.get(scope, new NDIndex("1:"));
            NDArray cls = table.get(scope, new NDIndex("0:1"));
            NDArray out = cls.concat(matrix.matMul(patches), 0);
            out.attach(manager);
            return out;
        }
    }

    /**
     * Interpolation matrix (out, in) of PyTorch's bicubic resize along one axis for {@code scale_factor = target / in},
     * whose output length is {@code floor(in * scale)}.
     */
    static double[][] weights(int in, double target, int expectedOut) {
        double scale = target / in;
        int out = (int) Math.floor(in * scale);
        if (out != expectedOut) {
            throw new IllegalStateException("bicubic output " + out + " != patch grid " + expectedOut);
        }
        double[][] m = new double[out][in];
        for (int d = 0; d < out; d++) {
            double src = (d + 0.5) / scale - 0.5;
            int i0 = (int) Math.floor(src);
            double t = src - i0;
            double[] w = {cubicFar(t + 1), cubicNear(t), cubicNear(1 - t), cubicFar(2 - t)};
            for (int k = 0; k < 4; k++) {
                int idx = Math.min(Math.max(i0 - 1 + k, 0), in - 1);
                m[d][idx] += w[k];
            }
        }
        return m;
    }

    private static double cubicNear(double x) { // |x| <= 1
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    private static double cubicFar(double x) { // 1 < |x| < 2
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
}
