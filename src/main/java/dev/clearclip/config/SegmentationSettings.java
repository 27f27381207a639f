package dev.clearclip.config;

import dev.clearclip.model.Correction;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;

import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * How an image becomes a label map. Defaults are the official ClearCLIP VOC21 settings.
 *
 * @param resizeShort     target short side of the mmseg keep-ratio resize (long side capped at {@code resizeLong})
 * @param crop            sliding-window size in resized pixels; 0 = whole-image inference (no sliding)
 * @param stride          sliding-window stride
 * @param probThreshold   pixels whose max probability is below this get class 0
 * @param logitScale      temperature applied to cosine logits before the softmax
 * @param attention       the last block actually run (the method's, unless {@code --attention} names an ablation)
 * @param windowBatch     windows per encoder call (across images)
 * @param maxPixels       decoded-size guard (width x height of the original), checked before decoding
 * @param method          the method whose window geometry (and defaults) these settings follow
 * @param pamrSteps       PAMR iterations on the cosine logits at the original size; 0 = off
 * @param pamrDilations   PAMR neighbourhood dilations in pixels
 * @param gaussianStd     NACLIP's neighbourhood bias width in patches (used only by the NACLIP last block)
 * @param areaThreshold   SC-CLIP/SCLIP area filter: a class is kept only if its share of the non-background argmax
 *                        area is above this; null = off
 * @param corrections     official-code bugs corrected on request ({@code --corrected}); empty = the official output
 */
public record SegmentationSettings(int resizeShort, int resizeLong, int crop, int stride, double probThreshold,
                                   double logitScale, LastBlockVariant attention, Precision precision, int windowBatch,
                                   long maxPixels, Method method, int pamrSteps, List<Integer> pamrDilations,
                                   double gaussianStd, Double areaThreshold, Set<Correction> corrections)
        implements Serializable {

    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    public static final List<Integer> DEFAULT_PAMR_DILATIONS = List.of(8, 16);

    /** ClearCLIP settings (no PAMR, no area filter) with the given last block. */
    public SegmentationSettings(int resizeShort, int resizeLong, int crop, int stride, double probThreshold,
                                double logitScale, LastBlockVariant attention, Precision precision, int windowBatch,
                                long maxPixels) {
        this(resizeShort, resizeLong, crop, stride, probThreshold, logitScale, attention, precision, windowBatch,
                maxPixels, Method.CLEARCLIP, 0, DEFAULT_PAMR_DILATIONS, LastBlockVariant.DEFAULT_GAUSSIAN_STD, null);
    }

    /** As the official code computes (no correction). */
    public SegmentationSettings(int resizeShort, int resizeLong, int crop, int stride, double probThreshold,
                                double logitScale, LastBlockVariant attention, Precision precision, int windowBatch,
                                long maxPixels, Method method, int pamrSteps, List<Integer> pamrDilations,
                                double gaussianStd, Double areaThreshold) {
        this(resizeShort, resizeLong, crop, stride, probThreshold, logitScale, attention, precision, windowBatch,
                maxPixels, method, pamrSteps, pamrDilations, gaussianStd, areaThreshold, Correction.none());
    }

    /** The VOC21 preset's settings (read from its preset file). */
    public static SegmentationSettings voc21Defaults() {
        return Preset.load("voc21").settings();
    }

    /** Same windows (resize and slide geometry): such vocabularies can share one encoder pass per image. */
    public boolean sameWindows(SegmentationSettings o) {
        return resizeShort == o.resizeShort && resizeLong == o.resizeLong && crop == o.crop && stride == o.stride
                && padsWindows() == o.padsWindows() && padsWholeImage() == o.padsWholeImage();
    }

    /** Sliding windows are zero-padded to whole patches: the method's way, or {@link Correction#PADDING}. */
    public boolean padsWindows() {
        return method.padsWindows() || corrections.contains(Correction.PADDING);
    }

    /** A whole image is zero-padded to whole patches (only {@link Correction#PADDING}; officially never). */
    public boolean padsWholeImage() {
        return corrections.contains(Correction.PADDING);
    }

    /** The corrections that change the image encoder (part of its identity). */
    public Set<Correction> encoderCorrections() {
        return Correction.encoderOnly(corrections);
    }

    /** Same image encoder, refinement and decoding limits: every vocabulary of one run must agree on these. */
    public boolean sameEncoder(SegmentationSettings o) {
        return attention == o.attention && precision == o.precision && windowBatch == o.windowBatch
                && maxPixels == o.maxPixels && gaussianStd == o.gaussianStd && pamrSteps == o.pamrSteps
                && pamrDilations.equals(o.pamrDilations) && corrections.equals(o.corrections);
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
        require(method != null, "method must be set");
        require(pamrSteps >= 0, "pamr steps must be >= 0 (0 = off), got " + pamrSteps);
        pamrDilations = pamrDilations == null ? DEFAULT_PAMR_DILATIONS : List.copyOf(pamrDilations);
        require(!pamrDilations.isEmpty() && pamrDilations.stream().allMatch(d -> d > 0),
                "pamr-dilations must be positive integers, got " + pamrDilations);
        require(gaussianStd > 0 && Double.isFinite(gaussianStd), "gaussian-std must be positive, got " + gaussianStd);
        corrections = Correction.copyOf(corrections);
        require(areaThreshold == null || (areaThreshold >= 0 && areaThreshold < 1),
                "area-thd must be in [0, 1), got " + areaThreshold);
    }

    public boolean slide() {
        return crop > 0;
    }

    /**
     * Checks what needs the model: windows must hold whole patches; a whole-image NACLIP run must keep its
     * neighbourhood bias ((1 + Hp Wp)^2 floats) within bounds for the largest image the resize can make; SC-CLIP's
     * windows need more patches than its 30 nearest neighbours.
     */
    public void validateFor(int patchSize) {
        require(crop % patchSize == 0, "crop " + crop + " is not a multiple of the model's patch size " + patchSize);
        if (attention == LastBlockVariant.SCCLIP) {
            long side = (slide() ? Math.min(crop, resizeShort) : resizeShort) / patchSize;
            require(side * side > 30, "SC-CLIP compares each patch with its 30 nearest: windows of " + side + "x" + side
                    + " patches are too small; use a larger --crop or --resize-short");
        }
        if (attention == LastBlockVariant.NACLIP) {
            long side = slide() ? crop / patchSize : patches(resizeLong, patchSize);
            long other = slide() ? crop / patchSize : patches(resizeShort, patchSize);
            long tokens = 1 + side * other;
            long bytes = tokens * tokens * Float.BYTES;
            require(bytes <= LastBlockVariant.NACLIP_BIAS_MAX_BYTES, "NACLIP's neighbourhood bias for a whole image of up to "
                    + resizeShort + "x" + resizeLong + " px needs " + (bytes >> 20) + " MiB (max "
                    + (LastBlockVariant.NACLIP_BIAS_MAX_BYTES >> 20) + "): use sliding windows (--crop 224 --stride 112) or a smaller "
                    + "--resize-long");
        }
    }

    /** Patches along a whole-image side: whole ones only, or one more for a padded remainder. */
    private long patches(int side, int patchSize) {
        return padsWholeImage() ? (side + patchSize - 1) / patchSize : side / patchSize;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
