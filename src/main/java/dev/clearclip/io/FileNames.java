package dev.clearclip.io;

import java.nio.charset.StandardCharsets;

/**
 * Image ids and keys that become file names (label exports, overlays). Hadoop's {@code Path} resolves {@code ..}, so
 * an unchecked id could write anywhere under the file system's root; ids are refused, never silently renamed, so
 * the user can tell which input was not written.
 */
public final class FileNames {

    public static final int MAX_BYTES = 200;

    private FileNames() {
    }

    /** Why {@code id} cannot be a relative file name (sub-folders allowed), or null when it can. */
    public static String problem(String id) {
        if (id == null || id.isEmpty()) {
            return "image id is empty";
        }
        if (id.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "image id has over " + MAX_BYTES + " bytes";
        }
        if (id.startsWith("/") || id.startsWith("\\")) {
            return "image id '" + printable(id) + "' starts with a slash";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "image id '" + printable(id) + "' holds a control character";
            }
            if (c == ':') {
                return "image id '" + printable(id) + "' holds ':'";
            }
        }
        for (String segment : id.split("[/\\\\]", -1)) {
            if (segment.equals("..")) {
                return "image id '" + printable(id) + "' has a '..' segment";
            }
        }
        return null;
    }

    /** {@code id} when it can be a file name; else an IllegalArgumentException saying why. */
    public static String require(String id) {
        String problem = problem(id);
        if (problem != null) {
            throw new IllegalArgumentException(problem + ", so it cannot name a file");
        }
        return id;
    }

    private static String printable(String id) {
        StringBuilder b = new StringBuilder();
        id.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return id.codePointCount(0, id.length()) > 80 ? b + "..." : b.toString();
    }
}
