package dev.clearclip.inference;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Both ways an axis is resized (matmul for small sources, gathers for large ones) against the formula in doubles. */
class BilinearTest {

    /** F.interpolate(bilinear, align_corners=False) of one (h, w) plane, in doubles. */
    private static double[] reference(float[] x, int h, int w, int outH, int outW) {
        double[] out = new double[outH * outW];
        for (int i = 0; i < outH; i++) {
            double sy = Math.max((i + 0.5) * h / outH - 0.5, 0);
            int y0 = Math.min((int) sy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int j = 0; j < outW; j++) {
                double sx = Math.max((j + 0.5) * w / outW - 0.5, 0);
                int x0 = Math.min((int) sx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                out[i * outW + j] = (1 - fy) * ((1 - fx) * x[y0 * w + x0] + fx * x[y0 * w + x1])
                        + fy * ((1 - fx) * x[y1 * w + x0] + fx * x[y1 * w + x1]);
            }
        }
        return out;
    }

    private static void check(int h, int w, int outH, int outW) {
        float[] x = new float[h * w];
        Random random = new Random(h * 31 + w);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray out = Bilinear.resize(m.create(x, new Shape(1, h, w)), outH, outW);
            assertEquals(new Shape(1, outH, outW), out.getShape());
            double[] expected = reference(x, h, w, outH, outW);
            float[] actual = out.toFloatArray();
            float[] expectedFloats = new float[expected.length];
            for (int i = 0; i < expected.length; i++) {
                expectedFloats[i] = (float) expected[i];
            }
            assertArrayEquals(expectedFloats, actual, 2e-6f, h + "x" + w + " -> " + outH + "x" + outW);
        }
    }

    @Test
    void smallSourcesByMatmul() {
        check(28, 37, 448, 597);
        check(5, 7, 3, 4); // shrinking
    }

    @Test
    void largeSourcesByGathersAndBothAtOnce() {
        int large = Bilinear.MATMUL_MAX_SOURCE + 44;
        check(large, 20, 2 * large + 1, 50); // rows by gathers, columns by the matmul
        check(30, large, 45, large - 100);
    }
}
