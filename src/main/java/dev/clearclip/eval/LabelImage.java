package dev.clearclip.eval;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** A decoded label map with its size (sizes must agree before pixels are compared). */
public record LabelImage(int width, int height, int[] labels) {

    /** A one-band PNG (palette index or grey value = label); anything else is an IOException naming {@code name}. */
    public static LabelImage decode(byte[] png, String name) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        if (img == null) {
            throw new IOException(name + ": not a readable image (" + png.length + " bytes)");
        }
        int bands = img.getRaster().getNumBands();
        if (bands != 1) {
            throw new IOException(name + ": a label map has one band (palette or grey), this one has " + bands
                    + " (a colour rendering instead of the label PNG?)");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        return new LabelImage(w, h, img.getRaster().getPixels(0, 0, w, h, (int[]) null));
    }
}
