package dev.clearclip.render;

import dev.clearclip.output.Palette;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

/** The class distribution of a run as a horizontal bar chart PNG: the top classes by share of segmented pixels. */
public final class ClassChart {

    public record Bar(int classId, String name, long pixels) {
    }

    private ClassChart() {
    }

    /**
     * Bars from a {@code class_stats} table (run_id, vocabulary, class_id, name, pixels, ...), pixels summed over
     * the runs selected ({@code runId} null = all). Each pixel has one class, so pixels / sum = share of pixels.
     */
    public static List<Bar> bars(Dataset<Row> classStats, String vocabulary, String runId) {
        Dataset<Row> d = classStats.where(col("vocabulary").equalTo(lit(vocabulary)));
        if (runId != null) {
            d = d.where(col("run_id").equalTo(lit(runId)));
        }
        List<Bar> bars = new ArrayList<>();
        for (Row r : d.groupBy("class_id").agg(first("name").as("name"), sum("pixels").as("pixels"))
                .collectAsList()) {
            bars.add(new Bar(r.getInt(0), r.getString(1), r.getLong(2)));
        }
        return bars;
    }

    public static byte[] render(String title, List<Bar> bars, int top, Palette palette) {
        if (top < 1) {
            throw new IllegalArgumentException("the chart needs at least one bar, got top " + top);
        }
        List<Bar> sorted = bars.stream().sorted(Comparator.comparingLong(Bar::pixels).reversed()
                .thenComparingInt(Bar::classId)).limit(top).toList();
        long total = bars.stream().mapToLong(Bar::pixels).sum();
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
        Font bold = font.deriveFont(Font.BOLD, 16f);
        int rowH = 26;
        int pad = 16;
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        FontMetrics fm = probe.createGraphics().getFontMetrics(font);
        int labelW = sorted.stream().mapToInt(b -> fm.stringWidth(label(b))).max().orElse(40);
        int barMax = 560;
        int width = pad * 3 + labelW + barMax + 70;
        int height = pad * 3 + 20 + Math.max(1, sorted.size()) * rowH;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(0x202020));
            g.setFont(bold);
            g.drawString(title + (sorted.size() < bars.size() ? " (top " + sorted.size() + " of " + bars.size()
                    + " classes)" : ""), pad, pad + 14);
            g.setFont(font);
            if (sorted.isEmpty() || total == 0) {
                g.drawString("no segmented pixels", pad, pad * 2 + 34);
            }
            double maxShare = sorted.isEmpty() || total == 0 ? 1 : (double) sorted.get(0).pixels() / total;
            int y = pad * 2 + 20;
            for (Bar b : sorted) {
                double share = total == 0 ? 0 : (double) b.pixels() / total;
                int len = (int) Math.round(barMax * share / maxShare);
                g.setColor(new Color(0x202020));
                g.drawString(label(b), pad + labelW - fm.stringWidth(label(b)), y + 18);
                g.setColor(new Color(palette.colour(b.classId())));
                g.fillRect(pad * 2 + labelW, y + 4, Math.max(1, len), rowH - 8);
                g.setColor(new Color(0x202020));
                g.drawString(String.format(Locale.ROOT, "%.1f%%", 100 * share), pad * 2 + labelW + len + 6, y + 18);
                y += rowH;
            }
        } finally {
            g.dispose();
        }
        return png(img);
    }

    private static String label(Bar b) {
        return b.name() == null ? "class " + b.classId() : b.name();
    }

    static byte[] png(BufferedImage img) {
        try (var out = new ByteArrayOutputStream()) {
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
