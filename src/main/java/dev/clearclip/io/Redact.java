package dev.clearclip.io;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that strips credentials from text before it is printed, logged or stored: user info in URIs
 * ({@code s3a://KEY:SECRET@bucket}, where an AWS secret may hold {@code /} and a bucket may hold {@code _}, which
 * {@link java.net.URI} cannot parse) and signature or token parameters of pre-signed URLs. Works on whole messages,
 * so every URI inside an error text is covered.
 */
public final class Redact {

    /**
     * After a scheme: {@code key:secret@} (the key has no {@code /}; the secret may, but is not a port followed by a
     * path), or any authority holding an {@code @} before the path.
     */
    private static final Pattern USER_INFO = Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.-]*://)(?:[^/:@\\s]+:(?!\\d+(?:[/?#\\s]|$))[^@\\s]*@|[^/?#@\\s]*@)");
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&](?:x-amz-signature|x-amz-credential|x-amz-security-token|signature|sig|token|access_token"
                    + "|awsaccesskeyid)=)[^&#\\s]*");

    private Redact() {
    }

    /** {@code text} with every credential replaced; null stays null. */
    public static String text(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = USER_INFO.matcher(text);
        String out = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
        return SECRET_PARAMETER.matcher(out).replaceAll("$1***");
    }
}
