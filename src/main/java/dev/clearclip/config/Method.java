package dev.clearclip.config;

import dev.clearclip.model.LastBlockVariant;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A training-free segmentation method on the same CLIP weights: its last block, how its windows meet the patch grid,
 * and where its per-benchmark presets live ({@code conf/presets/<folder>}, its class files in
 * {@code conf/vocabularies/<vocabularies>}).
 */
public enum Method {
    /** ClearCLIP (ECCV 2024): q-q attention, no residual, no FFN; windows zero-padded to whole patches. */
    CLEARCLIP(LastBlockVariant.CLEARCLIP, true, ""),
    /** NACLIP (WACV 2025): k-k attention plus a Gaussian neighbourhood bias, no residual, no FFN; PAMR by default. */
    NACLIP(LastBlockVariant.NACLIP, false, "naclip/"),
    /** SCLIP (ECCV 2024): q-q plus k-k softmaxes, residual and FFN kept. */
    SCLIP(LastBlockVariant.SCLIP, false, "sclip/"),
    /**
     * SC-CLIP (Self-Calibrated CLIP): LOF anomaly tokens repaired after the penultimate block, mid-layer similarity in
     * the last attention, multi-level fusion; windows as NACLIP's code (SC-CLIP's segmentor derives from it).
     */
    SCCLIP(LastBlockVariant.SCCLIP, false, "scclip/");

    private final LastBlockVariant lastBlock;
    private final boolean padsWindows;
    private final String presetFolder;

    Method(LastBlockVariant lastBlock, boolean padsWindows, String presetFolder) {
        this.lastBlock = lastBlock;
        this.padsWindows = padsWindows;
        this.presetFolder = presetFolder;
    }

    public LastBlockVariant lastBlock() {
        return lastBlock;
    }

    /**
     * ClearCLIP pads a window whose side is not a multiple of the patch with zeros; NACLIP and SCLIP (whose code
     * NACLIP's derives from) feed only the whole patches and stretch their logits over the full window, so the
     * pixels past the last whole patch never reach the network (naclip.py:65-68).
     */
    public boolean padsWindows() {
        return padsWindows;
    }

    String presetFolder() {
        return presetFolder;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Method parse(String text) {
        for (Method m : values()) {
            if (m.name().equalsIgnoreCase(text.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method '" + text + "': expected "
                + Arrays.stream(values()).map(Method::label).collect(Collectors.joining(", ")));
    }
}
