package dev.clearclip.image;

import dev.clearclip.image.ImageDecodeException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Bytes of a JPEG, PNG, BMP, GIF (first frame), WebP or TIFF file to RGB pixels, as OpenCV's
 * {@code cv2.imdecode(buf, IMREAD_COLOR)} gives them (see {@link RawSamples}; JPEG EXIF orientation applied).
 * The pixel count is checked from the header before any pixel is decoded.
 */
public final class ImageDecoder {
    /** A little above the 89 Mpx at which Pillow starts warning about decompression bombs. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    /** An RGB byte array holds at most Integer.MAX_VALUE bytes. */
    public static final long MAX_SUPPORTED_PIXELS = Integer.MAX_VALUE / 3;

    static {
        // plug-ins of jars added after ImageIO's first use (Spark executors load the job jar late)
        ImageIO.scanForPlugins();
    }

    private final long maxPixels;

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0 || maxPixels > MAX_SUPPORTED_PIXELS) {
            throw new IllegalArgumentException("maxPixels must be in 1.." + MAX_SUPPORTED_PIXELS + ", got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** @param name how to call the input in errors (a path or URI) */
    public RgbImage decode(byte[] bytes, String name) throws ImageDecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException(Reason.EMPTY, name, "the file is empty (0 bytes)");
        }
        List<ImageReader> readers = readersFor(bytes);
        if (readers.isEmpty()) {
            String known = FormatSniffer.unsupportedFormat(bytes);
            if (known != null) {
                throw new ImageDecodeException(Reason.UNSUPPORTED_FORMAT, name, known + " images are not supported");
            }
            throw new ImageDecodeException(Reason.NOT_AN_IMAGE, name, "not an image in a supported format"
                    + " (JPEG, PNG, BMP, GIF, WebP, TIFF); starts with " + FormatSniffer.head(bytes));
        }
        // readers skip metadata, so they stop after the pixels and never see a missing tail: check it here
        if (FormatSniffer.isPng(bytes) && !FormatSniffer.hasPngEnd(bytes)) {
            readers.forEach(ImageReader::dispose);
            throw new ImageDecodeException(Reason.TRUNCATED, name, "PNG data ends early (no IEND chunk)");
        }
        boolean jpeg = FormatSniffer.isJpeg(bytes);
        byte[] pixels = jpeg ? JpegProfileStripper.strip(bytes) : bytes;
        ImageDecodeException first = null;
        try {
            for (ImageReader reader : readers) {
                try {
                    RgbImage img = ReaderRun.read(reader, pixels, name, maxPixels);
                    return jpeg ? ExifOrientation.apply(img, ExifOrientation.read(bytes)) : img;
                } catch (ImageDecodeException e) {
                    // a limit or a broken file fails the same way in every reader; only "cannot handle" falls through
                    if (e.reason() != Reason.UNSUPPORTED_COLOR_MODEL) {
                        throw e;
                    }
                    first = first == null ? e : first;
                }
            }
        } finally {
            readers.forEach(ImageReader::dispose);
        }
        throw first;
    }

    /**
     * Readers able to decode these bytes. For JPEG the JDK's own reader first (the libjpeg 6b decoder, as close to
     * OpenCV's libjpeg as ImageIO gets), then TwelveMonkeys' for what it refuses (CMYK/YCCK).
     */
    private static List<ImageReader> readersFor(byte[] bytes) {
        List<ImageReader> jdk = new ArrayList<>();
        List<ImageReader> others = new ArrayList<>();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> it = ImageIO.getImageReaders(in);
            while (it.hasNext()) {
                ImageReader r = it.next();
                (r.getClass().getName().startsWith("com.sun.") ? jdk : others).add(r);
            }
        } catch (IOException e) {
            // a ByteArrayInputStream does not fail; treat as "no reader"
        }
        if (FormatSniffer.isJpeg(bytes)) {
            jdk.addAll(others);
            return jdk;
        }
        others.addAll(jdk);
        return others;
    }

    static Reason reasonFor(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return Reason.TRUNCATED;
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("premature end") || m.contains("unexpected end") || m.contains("truncated")
                    || m.contains("end of stream") || m.contains("eof")) {
                return Reason.TRUNCATED;
            }
        }
        return Reason.CORRUPT;
    }
}
