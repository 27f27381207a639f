package dev.clearclip.job;

import java.net.URI;
import java.net.URISyntaxException;

/** Strips user info (an access key smuggled into s3a://KEY:SECRET@bucket) from URIs before they are logged or stored. */
final class Redact {

    private Redact() {
    }

    static String uri(String text) {
        if (text == null) {
            return null;
        }
        try {
            URI u = new URI(text);
            if (u.getRawUserInfo() == null) {
                return text;
            }
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), u.getFragment())
                    .toString();
        } catch (URISyntaxException e) {
            return text.replaceFirst("//[^/@]*@", "//");
        }
    }
}
