package dev.clearclip.output;

import dev.clearclip.image.RgbImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.List;
import java.util.Locale;

/**
 * A picture for people: the photo with each class tinted in its palette colour (half transparent, class borders
 * drawn darker), and a legend beside it listing the classes present with their share of the pixels. "background"
 * (by name) and the ignore label are left untinted so the photo stays readable.
 */
public final class Overlay {
    private static final float ALPHA = 0.5f;

    private Overlay() {
    }

    public static byte[] render(RgbImage image, int[] labels, List<String> classNames, Palette palette) {
        int w = image.width();
        int h = image.height();
        LabelPng.checkSize(labels, w, h);
        long[] area = new long[classNames.size()];
        for (int l : labels) {
            if (l >= 0 && l < area.length) {
                area[l]++;
            }
        }
        int legendRows = 0;
        for (int c = 0; c < area.length; c++) {
            legendRows += area[c] > 0 ? 1 : 0;
        }
        int fontPx = Math.max(12, Math.min(28, h / 28));
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, fontPx);
        int rowH = fontPx * 3 / 2;
        int pad = fontPx / 2 + 2;
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        FontMetrics fm = probe.createGraphics().getFontMetrics(font);
        int textW = 0;
        for (int c = 0; c < area.length; c++) {
            if (area[c] > 0) {
                textW = Math.max(textW, fm.stringWidth(legendText(classNames.get(c), area[c], labels.length)));
            }
        }
        int legendW = legendRows == 0 ? 0 : pad * 3 + rowH + textW;
        int legendH = pad * 2 + legendRows * rowH;
        BufferedImage canvas = new BufferedImage(w + legendW, Math.max(h, legendH), BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
        tint(image, labels, classNames, palette, px, canvas.getWidth());

        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(new Color(0xF4F4F4));
            g.fillRect(w, 0, legendW, canvas.getHeight());
            if (h < canvas.getHeight()) {
                g.fillRect(0, h, w, canvas.getHeight() - h);
            }
            g.setFont(font);
            int y = pad;
            for (int c = 0; c < area.length; c++) {
                if (area[c] == 0) {
                    continue;
                }
                int sw = rowH - 6;
                g.setColor(isBackground(classNames.get(c)) ? new Color(0xDDDDDD) : new Color(palette.colour(c)));
                g.fillRoundRect(w + pad, y + 3, sw, sw, 6, 6);
                g.setColor(new Color(0x555555));
                g.setStroke(new BasicStroke(1f));
                g.drawRoundRect(w + pad, y + 3, sw, sw, 6, 6);
                g.setColor(new Color(0x202020));
                g.drawString(legendText(classNames.get(c), area[c], labels.length), w + pad * 2 + rowH,
                        y + (rowH + fm.getAscent() - fm.getDescent()) / 2);
                y += rowH;
            }
        } finally {
            g.dispose();
        }
        return LabelPng.png(canvas);
    }

    /** Blends class colours into the photo; pixels on a class border get the colour darkened, fully opaque. */
    private static void tint(RgbImage image, int[] labels, List<String> names, Palette palette, int[] px, int stride) {
        int w = image.width();
        int h = image.height();
        byte[] rgb = image.rgb();
        boolean[] plain = new boolean[names.size()];
        for (int c = 0; c < plain.length; c++) {
            plain[c] = isBackground(names.get(c));
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int r = rgb[3 * i] & 0xff;
                int gr = rgb[3 * i + 1] & 0xff;
                int b = rgb[3 * i + 2] & 0xff;
                int l = labels[i];
                if (l >= 0 && l < plain.length && !plain[l]) {
                    int c = palette.colour(l);
                    boolean edge = (x > 0 && labels[i - 1] != l) || (x < w - 1 && labels[i + 1] != l)
                            || (y > 0 && labels[i - w] != l) || (y < h - 1 && labels[i + w] != l);
                    if (edge) {
                        r = (c >> 16 & 0xff) * 3 / 5;
                        gr = (c >> 8 & 0xff) * 3 / 5;
                        b = (c & 0xff) * 3 / 5;
                    } else {
                        r = Math.round(r * (1 - ALPHA) + (c >> 16 & 0xff) * ALPHA);
                        gr = Math.round(gr * (1 - ALPHA) + (c >> 8 & 0xff) * ALPHA);
                        b = Math.round(b * (1 - ALPHA) + (c & 0xff) * ALPHA);
                    }
                }
                px[y * stride + x] = r << 16 | gr << 8 | b;
            }
        }
    }

    private static boolean isBackground(String name) {
        return name.trim().toLowerCase(Locale.ROOT).equals("background");
    }

    private static String legendText(String name, long area, long total) {
        return String.format(Locale.ROOT, "%s  %.1f%%", name, 100.0 * area / total);
    }
}
