package dev.clearclip.spark;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small corpus: good images of several formats and sizes plus every kind of bad file the job must survive. */
public final class TestImages {

    private TestImages() {
    }

    public static byte[] image(int w, int h, String format) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(40, 120, 200));
        g.fillRect(0, 0, w, h);
        g.setColor(Color.ORANGE);
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, format, out)) {
            throw new IOException("no writer for " + format);
        }
        return out.toByteArray();
    }

    /** relative path -> bytes; names starting with "bad" are not decodable; "huge" is over a 40000-pixel limit. */
    public static Map<String, byte[]> corpus() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("good_a.png", image(64, 48, "png"));
        files.put("good_b.jpg", image(40, 40, "jpg"));
        files.put("good_c.bmp", image(31, 17, "bmp"));
        files.put("nested/good_d.png", image(50, 20, "png"));
        files.put("huge.png", image(250, 200, "png"));
        files.put("bad_empty.jpg", new byte[0]);
        byte[] jpg = image(80, 60, "jpg");
        files.put("bad_truncated.jpg", Arrays.copyOf(jpg, 120));
        files.put("bad_text.png", "this is not an image\n".getBytes(StandardCharsets.UTF_8));
        files.put("notes.txt", "not an input: filtered by extension\n".getBytes(StandardCharsets.UTF_8));
        return files;
    }
}
