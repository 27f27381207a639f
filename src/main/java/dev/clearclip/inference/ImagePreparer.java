package dev.clearclip.inference;

import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.image.KeepRatioResize;
import dev.clearclip.image.Normalizer;
import dev.clearclip.image.RgbImage;

/** The mmseg test pipeline after decoding: keep-ratio resize (cv2 INTER_LINEAR, exact) and mean/std normalisation. */
public final class ImagePreparer {
    private final KeepRatioResize resize;
    private final Normalizer normalizer;

    public ImagePreparer(SegmentationSettings settings) {
        this.resize = new KeepRatioResize(settings.resizeLong(), settings.resizeShort());
        this.normalizer = Normalizer.CLIP_0_255;
    }

    public PreparedImage prepare(RgbImage image) {
        RgbImage resized = resize.apply(image);
        return new PreparedImage(image.height(), image.width(), resized.height(), resized.width(),
                normalizer.toChw(resized));
    }
}
