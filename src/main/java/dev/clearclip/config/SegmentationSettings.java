package dev.clearclip.config;

import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;

import java.io.Serializable;

/**
 * How an image becomes a label map. Defaults are the official ClearCLIP VOC21 settings.
 *
 * @param resizeShort     target short side of the mmseg keep-ratio resize (long side capped at {@code resizeLong})
 * @param crop            sliding-window size in resized pixels; 0 = whole-image inference (no sliding)
 * @param stride          sliding-window stride
 * @param probThreshold   pixels whose max probability is below this get class 0
 * @param logitScale      temperature applied to cosine logits before the softmax
 * @param windowBatch     windows per encoder call (across images)
 * @param maxPixels       decoded-size guard (width x height of the original), checked before decoding
 */
public record SegmentationSettings(int resizeShort, int resizeLong, int crop, int stride, double probThreshold,
                                   double logitScale, LastBlockVariant attention, Precision precision, int windowBatch,
                                   long maxPixels) implements Serializable {

    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    /** The VOC21 preset's settings (read from its preset file). */
    public static SegmentationSettings voc21Defaults() {
        return Preset.load("voc21").settings();
    }

    /** Same windows (resize and slide geometry): such vocabularies can share one encoder pass per image. */
    public boolean sameWindows(SegmentationSettings o) {
        return resizeShort == o.resizeShort && resizeLong == o.resizeLong && crop == o.crop && stride == o.stride;
    }

    /** Same image encoder and decoding limits: every vocabulary of one run must agree on these. */
    public boolean sameEncoder(SegmentationSettings o) {
        return attention == o.attention && precision == o.precision && windowBatch == o.windowBatch
                && maxPixels == o.maxPixels;
    }

    public SegmentationSettings {
        require(resizeShort > 0, "resize-short must be positive, got " + resizeShort);
        require(resizeLong >= resizeShort, "resize-long " + resizeLong + " must be >= resize-short " + resizeShort);
        require(crop >= 0, "crop must be >= 0 (0 = whole image), got " + crop);
        require(crop == 0 || stride > 0, "stride must be positive, got " + stride);
        require(crop == 0 || stride <= crop, "stride " + stride + " larger than crop " + crop + " leaves pixels uncovered");
        require(probThreshold >= 0 && probThreshold <= 1, "prob-thd must be in [0, 1], got " + probThreshold);
        require(logitScale > 0 && Double.isFinite(logitScale), "logit-scale must be positive, got " + logitScale);
        require(attention != null, "attention must be set");
        require(precision != null, "precision must be set");
        require(windowBatch > 0, "window batch must be positive, got " + windowBatch);
        require(maxPixels > 0, "max-pixels must be positive, got " + maxPixels);
    }

    public boolean slide() {
        return crop > 0;
    }

    /** Checks what needs the model: windows must hold whole patches. */
    public void validateFor(int patchSize) {
        require(crop % patchSize == 0, "crop " + crop + " is not a multiple of the model's patch size " + patchSize);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
