package dev.clearclip.config;

import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;

import java.io.Serializable;

/**
 * Settings the user gave explicitly (null = not given). They apply on top of every vocabulary's own settings (its
 * preset's, or the class-file defaults), so one flag means the same in every entry point.
 */
public record SettingOverrides(Integer resizeShort, Integer resizeLong, Integer crop, Integer stride, Double probThd,
                               Double logitScale, LastBlockVariant lastBlock, Precision precision,
                               Integer windowBatch, Long maxPixels) implements Serializable {

    public static SettingOverrides none() {
        return new SettingOverrides(null, null, null, null, null, null, null, null, null, null);
    }

    /** {@code base} with every given override applied; the result is validated by its constructor. */
    public SegmentationSettings applyTo(SegmentationSettings base) {
        return new SegmentationSettings(or(resizeShort, base.resizeShort()), or(resizeLong, base.resizeLong()),
                or(crop, base.crop()), or(stride, base.stride()), or(probThd, base.probThreshold()),
                or(logitScale, base.logitScale()), or(lastBlock, base.attention()), or(precision, base.precision()),
                or(windowBatch, base.windowBatch()), or(maxPixels, base.maxPixels()));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
