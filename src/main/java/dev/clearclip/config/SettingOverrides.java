package dev.clearclip.config;

import dev.clearclip.model.Correction;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;

import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * Settings the user gave explicitly (null = not given). {@code method} picks the base every vocabulary starts from
 * (its method preset, or the method's class-file defaults); the others apply on top, so one flag means the same in
 * every entry point. {@code areaThd}: a negative value turns a preset's area filter off. {@code corrections}: the
 * official-code bugs to correct (no preset sets any).
 */
public record SettingOverrides(Integer resizeShort, Integer resizeLong, Integer crop, Integer stride, Double probThd,
                               Double logitScale, LastBlockVariant lastBlock, Precision precision,
                               Integer windowBatch, Long maxPixels, Method method, Integer pamrSteps,
                               List<Integer> pamrDilations, Double gaussianStd, Double areaThd,
                               Set<Correction> corrections) implements Serializable {

    /** No correction given. */
    public SettingOverrides(Integer resizeShort, Integer resizeLong, Integer crop, Integer stride, Double probThd,
                            Double logitScale, LastBlockVariant lastBlock, Precision precision, Integer windowBatch,
                            Long maxPixels, Method method, Integer pamrSteps, List<Integer> pamrDilations,
                            Double gaussianStd, Double areaThd) {
        this(resizeShort, resizeLong, crop, stride, probThd, logitScale, lastBlock, precision, windowBatch, maxPixels,
                method, pamrSteps, pamrDilations, gaussianStd, areaThd, null);
    }

    /** Overrides of the ClearCLIP-era settings only. */
    public SettingOverrides(Integer resizeShort, Integer resizeLong, Integer crop, Integer stride, Double probThd,
                            Double logitScale, LastBlockVariant lastBlock, Precision precision, Integer windowBatch,
                            Long maxPixels) {
        this(resizeShort, resizeLong, crop, stride, probThd, logitScale, lastBlock, precision, windowBatch, maxPixels,
                null, null, null, null, null);
    }

    public SettingOverrides {
        pamrDilations = pamrDilations == null ? null : List.copyOf(pamrDilations);
        corrections = corrections == null ? null : Correction.copyOf(corrections);
    }

    public static SettingOverrides none() {
        return new SettingOverrides(null, null, null, null, null, null, null, null, null, null);
    }

    /** These overrides under {@code m} (the Transformer's {@code setMethod}). */
    public SettingOverrides withMethod(Method m) {
        return new SettingOverrides(resizeShort, resizeLong, crop, stride, probThd, logitScale, lastBlock, precision,
                windowBatch, maxPixels, m, pamrSteps, pamrDilations, gaussianStd, areaThd, corrections);
    }

    /** The method every vocabulary's base settings come from. */
    public Method methodOrDefault() {
        return method != null ? method : Method.CLEARCLIP;
    }

    /** {@code base} with every given override applied; the result is validated by its constructor. */
    public SegmentationSettings applyTo(SegmentationSettings base) {
        Double area = areaThd == null ? base.areaThreshold() : areaThd < 0 ? null : areaThd;
        return new SegmentationSettings(or(resizeShort, base.resizeShort()), or(resizeLong, base.resizeLong()),
                or(crop, base.crop()), or(stride, base.stride()), or(probThd, base.probThreshold()),
                or(logitScale, base.logitScale()), or(lastBlock, base.attention()), or(precision, base.precision()),
                or(windowBatch, base.windowBatch()), or(maxPixels, base.maxPixels()), base.method(),
                or(pamrSteps, base.pamrSteps()), or(pamrDilations, base.pamrDilations()),
                or(gaussianStd, base.gaussianStd()), area, or(corrections, base.corrections()));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
