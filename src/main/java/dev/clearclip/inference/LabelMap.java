package dev.clearclip.inference;

/**
 * The result of one image against one vocabulary, at the original image size, row-major.
 *
 * @param labels        class id per pixel (or the ignore index for pseudo-label pixels below the confidence bar)
 * @param confidence    max class probability per pixel
 * @param pixels        pixel count per class id
 * @param confidenceSum summed confidence per class id (mean = sum / pixels)
 */
public record LabelMap(int height, int width, int[] labels, float[] confidence, long[] pixels, double[] confidenceSum) {
}
