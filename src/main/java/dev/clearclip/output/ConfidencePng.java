package dev.clearclip.output;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/** Per-pixel confidence (probability 0..1) as an 8-bit greyscale PNG: value = round(p * 255), clamped. */
public final class ConfidencePng {
    private ConfidencePng() {
    }

    public static byte[] encode(float[] prob, int width, int height) {
        LabelPng.checkSize(prob, width, height);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < prob.length; i++) {
            float p = prob[i];
            if (Float.isNaN(p)) {
                throw new IllegalArgumentException("confidence at pixel (" + i % width + ", " + i / width + ") is NaN");
            }
            px[i] = (byte) Math.max(0, Math.min(255, Math.round(p * 255f)));
        }
        return LabelPng.png(img);
    }
}
