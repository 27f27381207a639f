package dev.clearclip.image;

import dev.clearclip.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

final class Fixtures {
    private Fixtures() {
    }

    static byte[] bytes(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /fixtures/" + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Npy.Array npy(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /fixtures/" + path);
            }
            return Npy.read(in, path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code [h, w, 3] |u1} array as an image. */
    static RgbImage image(String path) {
        Npy.Array a = npy(path);
        return new RgbImage((int) a.shape()[1], (int) a.shape()[0], a.bytes());
    }

    static RgbImage chelsea() {
        return image("inputs/chelsea_rgb_u8.npy");
    }
}
