package dev.clearclip.image;

import java.io.ByteArrayOutputStream;

/**
 * Removes the ICC profile (APP2 "ICC_PROFILE" segments) from a JPEG's header. Both ImageIO JPEG readers convert the
 * pixels through an embedded profile and cannot be told not to (the JDK rejects the profile's own destination type);
 * OpenCV ignores the profile, so the reader must not see it.
 */
final class JpegProfileStripper {
    private static final byte[] ICC = "ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private JpegProfileStripper() {
    }

    /** The same bytes without ICC segments; the input itself when it has none or its header is malformed. */
    static byte[] strip(byte[] jpeg) {
        ByteArrayOutputStream out = null;
        int copied = 0;
        int p = 2; // after SOI
        while (p + 4 <= jpeg.length && (jpeg[p] & 0xff) == 0xFF) {
            int marker = jpeg[p + 1] & 0xff;
            if (marker == 0xFF) { // fill byte
                p++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                break; // start of scan: the header is over
            }
            int len = (jpeg[p + 2] & 0xff) << 8 | (jpeg[p + 3] & 0xff);
            if (len < 2 || p + 2 + len > jpeg.length) {
                break; // leave malformed headers to the reader, which reports them
            }
            if (marker == 0xE2 && startsWith(jpeg, p + 4, ICC)) {
                if (out == null) {
                    out = new ByteArrayOutputStream(jpeg.length);
                }
                out.write(jpeg, copied, p - copied);
                copied = p + 2 + len;
            }
            p += 2 + len;
        }
        if (out == null) {
            return jpeg;
        }
        out.write(jpeg, copied, jpeg.length - copied);
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] b, int at, byte[] prefix) {
        if (at + prefix.length > b.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
