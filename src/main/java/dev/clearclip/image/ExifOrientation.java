package dev.clearclip.image;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** EXIF orientation of a JPEG, applied the way OpenCV's {@code imdecode(IMREAD_COLOR)} applies it. */
final class ExifOrientation {
    private ExifOrientation() {
    }

    /** The orientation tag (1..8) of the JPEG's EXIF block; 1 when absent or unreadable (as OpenCV treats it). */
    static int read(byte[] jpeg) {
        try (var in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            List<JPEGSegment> exif = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
            if (exif.isEmpty()) {
                return 1;
            }
            InputStream data = exif.get(0).data();
            if (data.read() < 0) { // the pad byte after "Exif\0"
                return 1;
            }
            Directory dir = new TIFFReader().read(new MemoryCacheImageInputStream(data));
            Entry e = dir.getEntryById(TIFF.TAG_ORIENTATION);
            if (e != null && e.getValue() instanceof Number n && n.intValue() >= 1 && n.intValue() <= 8) {
                return n.intValue();
            }
            return 1;
        } catch (IOException | RuntimeException e) {
            return 1; // broken EXIF does not make the picture unreadable
        }
    }

    /** The picture as it should be displayed, given the stored pixels and the orientation tag. */
    static RgbImage apply(RgbImage img, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return img;
        }
        int sw = img.width();
        int sh = img.height();
        boolean swap = orientation >= 5;
        int dw = swap ? sh : sw;
        int dh = swap ? sw : sh;
        byte[] src = img.rgb();
        byte[] dst = new byte[src.length];
        for (int sy = 0; sy < sh; sy++) {
            for (int sx = 0; sx < sw; sx++) {
                // where stored pixel (sx, sy) is displayed; orientation = which visual sides row 0 / column 0 are
                int vx;
                int vy;
                switch (orientation) {
                    case 2 -> { vx = sw - 1 - sx; vy = sy; }
                    case 3 -> { vx = sw - 1 - sx; vy = sh - 1 - sy; }
                    case 4 -> { vx = sx; vy = sh - 1 - sy; }
                    case 5 -> { vx = sy; vy = sx; }
                    case 6 -> { vx = sh - 1 - sy; vy = sx; }
                    case 7 -> { vx = sh - 1 - sy; vy = sw - 1 - sx; }
                    default -> { vx = sy; vy = sw - 1 - sx; } // 8
                }
                System.arraycopy(src, (sy * sw + sx) * 3, dst, (vy * dw + vx) * 3, 3);
            }
        }
        return new RgbImage(dw, dh, dst);
    }
}
