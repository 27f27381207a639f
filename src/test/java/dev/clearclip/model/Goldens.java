package dev.clearclip.model;

import dev.clearclip.io.Npy;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test-only access to the golden .npy files under /fixtures on the class path. */
public final class Goldens {
    private Goldens() {
    }

    public static Npy.Array npy(String path) throws IOException {
        try (InputStream in = Goldens.class.getResourceAsStream("/fixtures/" + path)) {
            if (in == null) {
                throw new IOException("missing test fixture /fixtures/" + path);
            }
            return Npy.read(in, path);
        }
    }

    public static float[] floats(String path) throws IOException {
        return npy(path).floats();
    }

    /** Asserts max |a - b| <= tol and returns it. */
    public static double assertClose(String what, float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        final double w = worst;
        final int a = at;
        assertTrue(w <= tol, () -> what + ": max |diff| " + w + " at " + a + " > " + tol);
        return worst;
    }
}
