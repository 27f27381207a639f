package dev.clearclip.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * Pixel-adaptive mask refinement (PAMR, Araslanov and Roth, CVPR 2020; as NACLIP applies it to cosine logits):
 * written from the published method on libtorch ops, so it runs batched on the model's device. For a guide image x
 * (B, K, H, W) and a mask (B, C, h, w):
 * <ol>
 *   <li>the mask is resized to (H, W) bilinearly with aligned corners (identity when the sizes agree);</li>
 *   <li>taps {@code S(y, x) = x(clamp(y + a d), clamp(x + b d))}, a, b in {-1, 0, 1}, replicate border;</li>
 *   <li>sigma = the unbiased standard deviation over all 9 taps of every dilation, per channel;</li>
 *   <li>for the 8 non-centre taps n of every dilation (dilation-major, row-major):
 *   {@code kernel = softmax_n(mean_K(-|x - S_n x| / (1e-8 + 0.1 sigma)))} (uniform where x is locally constant);</li>
 *   <li>{@code steps} times: {@code mask = sum_n kernel_n * S_n mask} (no centre term).</li>
 * </ol>
 * Always fp32 (NACLIP's official copy allocates its affinities in fp32 whatever the input).
 */
final class Pamr {
    private static final int[][] NEIGHBOURS = {{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}};
    private final int steps;
    private final List<Integer> dilations;

    Pamr(int steps, List<Integer> dilations) {
        if (steps < 0 || dilations.isEmpty()) {
            throw new IllegalArgumentException("PAMR needs steps >= 0 and a dilation, got " + steps + ", " + dilations);
        }
        this.steps = steps;
        this.dilations = List.copyOf(dilations);
    }

    /** guide (B, K, H, W), mask (B, C, h, w) -> refined mask (B, C, H, W), in the mask's manager. */
    NDArray refine(NDArray guide, NDArray mask) {
        int h = (int) guide.getShape().get(2);
        int w = (int) guide.getShape().get(3);
        NDManager parent = mask.getManager();
        try (NDManager scope = parent.newSubManager()) {
            guide.tempAttach(scope);
            mask.tempAttach(scope);
            NDArray m = Bilinear.resizeAlignCorners(mask, h, w);
            List<Shift> shifts = shifts(scope, h, w);
            NDArray kernel = kernel(guide, shifts); // (B, P, H, W)
            List<NDArray> weights = new ArrayList<>();
            for (int n = 0; n < shifts.size(); n++) {
                weights.add(kernel.get(new NDIndex(":, {}:{}", n, n + 1))); // (B, 1, H, W)
            }
            boolean owned = m != mask; // the caller's mask (no resize needed) is never freed here
            for (int t = 0; t < steps; t++) {
                m = step(m, owned, shifts, weights, scope);
                owned = true;
            }
            m.attach(parent);
            return m;
        }
    }

    /**
     * One refinement step, {@code sum_n kernel_n * S_n mask}, in a scope of its own: each tap's (B, C, H, W) gather
     * is freed as soon as it is added, and the previous mask when the step ends, so memory stays at a few masks
     * whatever the steps (kept in {@code scope}, every step's taps held 24 GB for a 597x448 image).
     */
    private static NDArray step(NDArray mask, boolean owned, List<Shift> shifts, List<NDArray> weights,
                                NDManager scope) {
        try (NDManager step = scope.newSubManager()) {
            if (owned) {
                mask.attach(step); // freed with the step: the refined mask replaces it
            }
            NDArray next = null;
            for (int n = 0; n < shifts.size(); n++) {
                NDArray term = shifts.get(n).apply(mask).muli(weights.get(n));
                if (next == null) {
                    next = term;
                } else {
                    next.addi(term);
                    term.close();
                }
            }
            next.attach(scope);
            return next;
        }
    }

    /** The affinity kernel (B, P, H, W) of the guide, P = 8 x dilations. */
    NDArray kernel(NDArray guide, List<Shift> neighbours) {
        NDArray sigma = localStd(guide).muli(0.1f).addi(1e-8f); // (B, K, H, W)
        NDList affinities = new NDList();
        for (Shift s : neighbours) {
            affinities.add(guide.sub(s.apply(guide)).abs().neg().divi(sigma).mean(new int[] {1}, true));
        }
        return NDArrays.concat(affinities, 1).softmax(1);
    }

    /** Unbiased standard deviation over the 9 taps of every dilation (centre included), per channel: (B, K, H, W). */
    private NDArray localStd(NDArray x) {
        int h = (int) x.getShape().get(2);
        int w = (int) x.getShape().get(3);
        List<Shift> taps = new ArrayList<>();
        for (int d : dilations) {
            for (int a = -1; a <= 1; a++) {
                for (int b = -1; b <= 1; b++) {
                    taps.add(Shift.of(x.getManager(), h, w, a * d, b * d));
                }
            }
        }
        NDArray sum = null;
        for (Shift s : taps) {
            sum = sum == null ? s.apply(x) : sum.addi(s.apply(x));
        }
        NDArray mean = sum.divi(taps.size());
        NDArray squares = null;
        for (Shift s : taps) {
            NDArray dev = s.apply(x).subi(mean);
            squares = squares == null ? dev.muli(dev) : squares.addi(dev.muli(dev));
        }
        return squares.divi(taps.size() - 1).sqrt();
    }

    List<Shift> shifts(NDManager m, int h, int w) {
        List<Shift> out = new ArrayList<>();
        for (int d : dilations) {
            for (int[] n : NEIGHBOURS) {
                out.add(Shift.of(m, h, w, n[0] * d, n[1] * d));
            }
        }
        return out;
    }

    /** {@code x(clamp(y + dy), clamp(x + dx))} over the last two axes (replicate border), as two gathers. */
    record Shift(NDArray rows, NDArray cols, boolean still) {
        static Shift of(NDManager m, int h, int w, int dy, int dx) {
            long[] r = new long[h];
            long[] c = new long[w];
            for (int y = 0; y < h; y++) {
                r[y] = Math.min(Math.max(y + dy, 0), h - 1);
            }
            for (int x = 0; x < w; x++) {
                c[x] = Math.min(Math.max(x + dx, 0), w - 1);
            }
            return new Shift(m.create(r), m.create(c), dy == 0 && dx == 0);
        }

        NDArray apply(NDArray x) {
            if (still) {
                return x.duplicate();
            }
            NDArray byRows = x.get(new NDIndex(":, :, {}", rows));
            NDArray shifted = byRows.get(new NDIndex(":, :, :, {}", cols));
            byRows.close(); // a full (B, C, H, W) copy: not kept until the scope ends
            return shifted;
        }
    }
}
