package dev.clearclip.shards;

import java.util.Locale;

/**
 * A tar member's name split as WebDataset's {@code base_plus_ext} does: the key is the path up to the first dot of
 * the last component ({@code a/b/000001.seg.png} -> {@code a/b/000001}, {@code seg.png}); keys may contain '/'.
 *
 * @param extension lower-cased, without the leading dot
 */
record MemberName(String key, String extension) {

    /** The split name, or null for members WebDataset skips (no extension, or a top-level {@code __*__} file). */
    static MemberName of(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.indexOf('.', slash + 1);
        if (dot <= slash + 1 || dot == name.length() - 1) {
            return null;
        }
        if (slash < 0 && name.startsWith("__") && name.endsWith("__")) {
            return null;
        }
        return new MemberName(name.substring(0, dot), name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
