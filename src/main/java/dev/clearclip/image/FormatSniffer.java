package dev.clearclip.image;

import java.nio.charset.StandardCharsets;

/** Recognises a few formats by their first bytes, to tell "unsupported image format" from "not an image". */
final class FormatSniffer {
    private FormatSniffer() {
    }

    static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF;
    }

    static boolean isPng(byte[] b) {
        return b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }

    /** Whether the PNG's IEND chunk (type and its fixed CRC) is there; trailing junk after it is tolerated. */
    static boolean hasPngEnd(byte[] b) {
        byte[] iend = {'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};
        outer:
        for (int i = b.length - iend.length; i >= 8; i--) {
            for (int j = 0; j < iend.length; j++) {
                if (b[i + j] != iend[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The name of a known image format no reader handles, or null. */
    static String unsupportedFormat(byte[] b) {
        String ascii = new String(b, 0, Math.min(b.length, 64), StandardCharsets.ISO_8859_1);
        if (ascii.length() >= 12 && ascii.startsWith("ftyp", 4)) {
            String brand = ascii.substring(8, 12);
            return switch (brand) {
                case "avif", "avis" -> "AVIF";
                case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1" -> "HEIC/HEIF";
                case "jp2 " -> "JPEG 2000";
                case "jxl " -> "JPEG XL";
                default -> null;
            };
        }
        if (ascii.startsWith("\u0000\u0000\u0000\u000CjP  ") || ascii.startsWith("\u00FF\u004F\u00FF\u0051")) {
            return "JPEG 2000";
        }
        if (ascii.startsWith("\u00FF\n") || ascii.startsWith("\u0000\u0000\u0000\u000CJXL ")) {
            return "JPEG XL";
        }
        if (ascii.startsWith("8BPS")) {
            return "Photoshop (PSD)";
        }
        if (ascii.startsWith("%PDF")) {
            return "PDF";
        }
        String text = ascii.stripLeading().toLowerCase();
        if (text.startsWith("<svg") || (text.startsWith("<?xml") && ascii.contains("<svg"))) {
            return "SVG";
        }
        return null;
    }

    /** The first bytes, printable, for error messages. */
    static String head(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 8); i++) {
            sb.append(String.format("%02X ", b[i] & 0xff));
        }
        return sb.toString().trim();
    }
}
