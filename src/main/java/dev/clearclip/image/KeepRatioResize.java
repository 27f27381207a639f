package dev.clearclip.image;

/**
 * Target size of mmcv's {@code Resize(scale=(longSide, shortSide), keep_ratio=True)}: the largest scale that keeps the
 * long side within {@code longSide} and the short side within {@code shortSide}.
 */
public record KeepRatioResize(int longSide, int shortSide) {
    /** The official ClearCLIP / mmseg test setting {@code scale=(2048, 448)}. */
    public static final KeepRatioResize MMSEG_DEFAULT = new KeepRatioResize(2048, 448);

    public KeepRatioResize {
        if (longSide <= 0 || shortSide <= 0 || shortSide > longSide) {
            throw new IllegalArgumentException("need 0 < shortSide <= longSide, got longSide=" + longSide
                    + ", shortSide=" + shortSide);
        }
    }

    public record Size(int width, int height) {
    }

    /** Same float64 arithmetic as mmcv's {@code rescale_size}: {@code int(w * sf + 0.5)}. */
    public Size targetSize(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        double sf = Math.min((double) longSide / Math.max(width, height), (double) shortSide / Math.min(width, height));
        int w = (int) (width * sf + 0.5);
        int h = (int) (height * sf + 0.5);
        return new Size(Math.max(w, 1), Math.max(h, 1));
    }

    public RgbImage apply(RgbImage image) {
        Size s = targetSize(image.width(), image.height());
        return Cv2Resize.linear(image, s.width(), s.height());
    }
}
