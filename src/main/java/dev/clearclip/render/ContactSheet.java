package dev.clearclip.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/** Overlays side by side in a grid, each scaled to one cell width and captioned with its image id. */
public final class ContactSheet {

    public record Tile(String caption, byte[] png) {
    }

    private ContactSheet() {
    }

    public static byte[] render(List<Tile> tiles, int columns, int cellWidth) {
        if (tiles.isEmpty()) {
            throw new IllegalArgumentException("a contact sheet needs at least one image");
        }
        if (columns < 1 || cellWidth < 32) {
            throw new IllegalArgumentException("need columns >= 1 and cell width >= 32, got " + columns + " and "
                    + cellWidth);
        }
        int gap = 8;
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        int captionH = 20;
        BufferedImage[] scaled = new BufferedImage[tiles.size()];
        for (int i = 0; i < tiles.size(); i++) {
            scaled[i] = scale(read(tiles.get(i).png()), cellWidth);
        }
        int rows = (tiles.size() + columns - 1) / columns;
        int[] rowH = new int[rows];
        for (int i = 0; i < scaled.length; i++) {
            rowH[i / columns] = Math.max(rowH[i / columns], scaled[i].getHeight() + captionH);
        }
        int cols = Math.min(columns, tiles.size());
        int width = gap + cols * (cellWidth + gap);
        int height = gap;
        for (int h : rowH) {
            height += h + gap;
        }
        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(font);
            FontMetrics fm = g.getFontMetrics();
            int y = gap;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns && r * columns + c < scaled.length; c++) {
                    int i = r * columns + c;
                    int x = gap + c * (cellWidth + gap);
                    g.drawImage(scaled[i], x, y, null);
                    g.setColor(new Color(0x202020));
                    g.drawString(fit(tiles.get(i).caption(), fm, cellWidth), x, y + scaled[i].getHeight() + 15);
                }
                y += rowH[r] + gap;
            }
        } finally {
            g.dispose();
        }
        return ClassChart.png(sheet);
    }

    static BufferedImage scale(BufferedImage src, int width) {
        int height = Math.max(1, (int) Math.round((double) src.getHeight() * width / src.getWidth()));
        BufferedImage dst = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = dst.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return dst;
    }

    private static BufferedImage read(byte[] png) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            if (img == null) {
                throw new IllegalArgumentException("a contact-sheet tile is not a readable image");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** the caption cut with an ellipsis where it would run into the next cell */
    private static String fit(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) {
            return s;
        }
        String t = s;
        while (!t.isEmpty() && fm.stringWidth("…" + t) > width) {
            t = t.substring(1);
        }
        return "…" + t;
    }
}
