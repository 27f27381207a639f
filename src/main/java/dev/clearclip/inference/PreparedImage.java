package dev.clearclip.inference;

/**
 * A resized, normalised image ready for the encoder: CHW float32 of {@code height x width}, plus the original size
 * the label map is produced at.
 */
public record PreparedImage(int originalHeight, int originalWidth, int height, int width, float[] chw) {
    public PreparedImage {
        if ((long) 3 * height * width != chw.length) {
            throw new IllegalArgumentException("CHW data of " + chw.length + " values is not 3 x " + height + " x " + width);
        }
        if (originalHeight <= 0 || originalWidth <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image sizes must be positive: original " + originalHeight + "x"
                    + originalWidth + ", resized " + height + "x" + width);
        }
    }
}
