package dev.clearclip.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * PyTorch's {@code F.interpolate(mode='bilinear', align_corners=False, size=...)} along the last two axes, one axis
 * at a time, exact to float rounding. DJL's own bilinear antialiases when shrinking (off by up to 3e-3 against the
 * reference). An axis with a small source (a window's patch grid) is a matmul with a (out x in) matrix of the two
 * taps' weights; a large one (the decoder's resize to the original size) is two gathers and a weighted sum, O(output)
 * where the matrix would cost O(in x out).
 */
final class Bilinear {
    /** Up to this source length the matmul beats the gathers (measured: bench/RESULTS.md, Levers). */
    static final int MATMUL_MAX_SOURCE = 256;

    private Bilinear() {
    }

    /** One axis: for each output index, the two source taps and their weights. */
    record Taps(long[] lower, long[] upper, float[] lowerWeight, float[] upperWeight) {
        static Taps of(int in, int out, int from, int to) {
            int n = to - from;
            long[] i0 = new long[n];
            long[] i1 = new long[n];
            float[] w0 = new float[n];
            float[] w1 = new float[n];
            double scale = (double) in / out;
            for (int k = 0; k < n; k++) {
                double src = Math.max((from + k + 0.5) * scale - 0.5, 0.0);
                int lo = Math.min((int) Math.floor(src), in - 1);
                double frac = src - lo;
                i0[k] = lo;
                i1[k] = Math.min(lo + 1, in - 1);
                w1[k] = (float) frac;
                w0[k] = (float) (1.0 - frac);
            }
            return new Taps(i0, i1, w0, w1);
        }

        /** {@code align_corners=True}: source {@code dst * (in - 1) / (out - 1)}. */
        static Taps alignedCorners(int in, int out) {
            long[] i0 = new long[out];
            long[] i1 = new long[out];
            float[] w0 = new float[out];
            float[] w1 = new float[out];
            double scale = out > 1 ? (double) (in - 1) / (out - 1) : 0;
            for (int k = 0; k < out; k++) {
                double src = k * scale;
                int lo = Math.min((int) Math.floor(src), in - 1);
                double frac = src - lo;
                i0[k] = lo;
                i1[k] = Math.min(lo + 1, in - 1);
                w1[k] = (float) frac;
                w0[k] = (float) (1.0 - frac);
            }
            return new Taps(i0, i1, w0, w1);
        }

        /** The (out, in) matrix of the taps' weights, row k holding output k's two taps (summed where they meet). */
        float[] matrix(int in) {
            int n = lower.length;
            float[] out = new float[n * in];
            for (int k = 0; k < n; k++) {
                out[k * in + (int) lower[k]] += lowerWeight[k];
                out[k * in + (int) upper[k]] += upperWeight[k];
            }
            return out;
        }

        long firstSource() {
            return lower[0];
        }

        long lastSource() {
            return upper[upper.length - 1];
        }
    }

    /** x (..., H, W) -> (..., outH, outW). */
    static NDArray resize(NDArray x, int outH, int outW) {
        Shape s = x.getShape();
        int h = (int) s.get(s.dimension() - 2);
        int w = (int) s.get(s.dimension() - 1);
        return resizeRows(x, h, w, outH, outW, 0, outH);
    }

    /**
     * Output rows {@code [from, to)} of the resize of x (..., H, W) to (outH, outW): (..., to - from, outW). Only
     * the source rows those need are read, so huge outputs can be produced band by band.
     */
    static NDArray resizeRows(NDArray x, int h, int w, int outH, int outW, int from, int to) {
        NDManager m = x.getManager();
        int axisH = x.getShape().dimension() - 2;
        NDArray rows = h == outH ? x.get(rowSlice(axisH, from, to))
                : blend(x, Taps.of(h, outH, from, to), axisH, m);
        return w == outW ? rows : blend(rows, Taps.of(w, outW, 0, outW), axisH + 1, m);
    }

    /** {@code F.interpolate(mode='bilinear', align_corners=True)} of x (..., H, W) to (..., outH, outW). */
    static NDArray resizeAlignCorners(NDArray x, int outH, int outW) {
        Shape s = x.getShape();
        int axisH = s.dimension() - 2;
        int h = (int) s.get(axisH);
        int w = (int) s.get(axisH + 1);
        NDManager m = x.getManager();
        NDArray rows = h == outH ? x : blend(x, Taps.alignedCorners(h, outH), axisH, m);
        return w == outW ? rows : blend(rows, Taps.alignedCorners(w, outW), axisH + 1, m);
    }

    private static NDArray blend(NDArray x, Taps t, int axis, NDManager m) {
        int dims = x.getShape().dimension();
        int in = (int) x.getShape().get(axis);
        if (in <= MATMUL_MAX_SOURCE) {
            NDArray matrix = m.create(t.matrix(in), new Shape(t.lower.length, in)); // (out, in)
            return axis == dims - 1 ? x.matMul(matrix.transpose()) : matrix.matMul(x); // the last two axes only
        }
        long[] weightShape = new long[dims];
        java.util.Arrays.fill(weightShape, 1);
        weightShape[axis] = t.lower.length;
        String prefix = ":, ".repeat(axis);
        NDArray lower = x.get(new NDIndex(prefix + "{}", m.create(t.lower)));
        NDArray upper = x.get(new NDIndex(prefix + "{}", m.create(t.upper)));
        NDArray w0 = m.create(t.lowerWeight, new Shape(weightShape));
        NDArray w1 = m.create(t.upperWeight, new Shape(weightShape));
        return lower.muli(w0).addi(upper.muli(w1));
    }

    private static NDIndex rowSlice(int axis, int from, int to) {
        return new NDIndex(":, ".repeat(axis) + from + ":" + to);
    }
}
