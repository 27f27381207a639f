package dev.clearclip.model;

import dev.clearclip.weights.ClipConfig;

/**
 * Multiply-add FLOPs (2 per MAC) of the image-encoder work actually done for one window of {@code gridH x gridW}
 * patches: patch conv, every standard block (qkv, attention, out projection, MLP), the chosen last block (ClearCLIP:
 * q and v only, no MLP), and the output projection. Elementwise ops and LayerNorms are left out (< 1 %).
 */
public final class EncoderFlops {
    private EncoderFlops() {
    }

    public static double perWindow(ClipConfig config, LastBlockVariant attention, int gridH, int gridW) {
        ClipConfig.Vision v = config.vision();
        double w = v.width();
        double patches = (double) gridH * gridW;
        double l = patches + 1;
        double conv = 2 * patches * w * 3 * v.patchSize() * v.patchSize();
        double attend = 2 * 2 * l * l * w; // scores and weights x values, summed over heads
        double out = 2 * l * w * w;
        double standard = 2 * l * w * 3 * w + attend + out + 2 * 2 * l * w * v.mlpWidth();
        double last = switch (attention) {
            case CLEARCLIP -> 2 * l * w * 2 * w + attend + out;
            case VANILLA -> standard;
            case CSA_REDUCED -> 2 * l * w * 3 * w + 2 * l * l * w * 4 + out; // two score maps, two products with v
            case SCLIP -> standard + 2 * l * l * w * 2; // the standard block with a second score map and product
            case NACLIP -> 2 * l * w * 2 * w + attend + out; // k and v only
            case MASKCLIP -> 2 * l * w * w + out;
            // two k-v attentions over the patches; LOF distances, two similarity maps and four aggregations (N^2 W each)
            case SCCLIP -> 2 * (2 * patches * w * 2 * w + 2 * 2 * patches * patches * w + 2 * patches * w * w)
                    + 2 * 7 * patches * patches * w;
        };
        double proj = 2 * l * w * config.embedDim();
        return conv + (v.layers() - 1) * standard + last + proj;
    }
}
