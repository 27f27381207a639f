package dev.clearclip.image;

/** A decoded picture: interleaved HWC RGB, one unsigned byte per sample, rows top to bottom. */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb == null || (long) rgb.length != 3L * width * height) {
            throw new IllegalArgumentException("expected " + 3L * width * height + " RGB bytes for " + width + "x"
                    + height + ", got " + (rgb == null ? "null" : rgb.length));
        }
    }

    /** Sample c (0 = R, 1 = G, 2 = B) of pixel (x, y), 0..255. */
    public int sample(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
