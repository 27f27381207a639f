package dev.clearclip.image;

import dev.clearclip.image.ImageDecodeException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** One decoding attempt with one ImageIO reader, turning every failure into a typed error. */
final class ReaderRun {
    private ReaderRun() {
    }

    static RgbImage read(ImageReader reader, byte[] bytes, String name, long maxPixels)
            throws ImageDecodeException {
        String format = formatOf(reader);
        List<String> warnings = new ArrayList<>();
        IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            // pixels only: text chunks, XMP and the like are untrusted input we do not need (EXIF orientation is
            // read from the raw bytes by ExifOrientation, colour handling by the readers themselves)
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(listener);
            long w = reader.getWidth(0);
            long h = reader.getHeight(0);
            if (w <= 0 || h <= 0) {
                throw new ImageDecodeException(Reason.CORRUPT, name, format + " header gives size " + w + "x" + h);
            }
            if (w * h > maxPixels) {
                throw new ImageDecodeException(Reason.TOO_MANY_PIXELS, name, format + " image of " + w + "x" + h
                        + " = " + w * h + " pixels exceeds the limit of " + maxPixels + " pixels");
            }
            if (!reader.getImageTypes(0).hasNext()) {
                throw new ImageDecodeException(Reason.UNSUPPORTED_COLOR_MODEL, name, format
                        + " colour model not supported by " + reader.getClass().getSimpleName());
            }
            BufferedImage image = reader.read(0, reader.getDefaultReadParam());
            for (String warning : warnings) {
                // libjpeg fills what is missing with grey and only warns; a half picture must not pass as whole
                if (warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                    throw new ImageDecodeException(Reason.TRUNCATED, name, format + " data ends early ("
                            + warning + ")");
                }
            }
            try {
                return RawSamples.toRgb(image);
            } catch (IllegalArgumentException e) {
                throw new ImageDecodeException(Reason.UNSUPPORTED_COLOR_MODEL, name, format + " " + e.getMessage(), e);
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            Reason reason = ImageDecoder.reasonFor(e);
            String what = reason == Reason.TRUNCATED ? "data ends early" : "data is corrupt";
            throw new ImageDecodeException(reason, name, format + " " + what + " (" + e + ")", e);
        } finally {
            reader.removeIIOReadWarningListener(listener);
        }
    }

    private static String formatOf(ImageReader reader) {
        try {
            return reader.getFormatName().toUpperCase(Locale.ROOT);
        } catch (IOException e) {
            return "image";
        }
    }
}
