package dev.clearclip.job;

import org.apache.hadoop.fs.Path;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * One {@code --input} as listed: the folder image ids are relative to, and which listed files belong to it
 * (extension filter; without --recursive only files at the input's own level).
 *
 * @param rootPath  path component of the folder image ids are relative to (no trailing '/')
 * @param fileDepth the depth of files directly in the input; -1 = any depth (recursive)
 * @param explicit  the input names one file: taken whatever its extension
 */
record InputRoot(String rootPath, int fileDepth, boolean glob, boolean explicit, List<String> extensions)
        implements Serializable {

    /** The image id of {@code uri} (its key without the extension), or null when the file is not part of this input. */
    String imageId(String uri) {
        String key = key(uri);
        return key == null ? null : stripExtension(key);
    }

    /** The path of {@code uri} relative to the root, extension kept, or null when the file is not part of this input. */
    String key(String uri) {
        String path = new Path(uri).toUri().getPath();
        if (!explicit) {
            int depth = depth(path);
            boolean levelOk = fileDepth < 0 || depth == fileDepth || (glob && depth == fileDepth + 1);
            if (!levelOk || !extensions.contains(extension(path))) {
                return null;
            }
        }
        String relative = path.startsWith(rootPath + "/") ? path.substring(rootPath.length() + 1)
                : path.replaceFirst("^/+", "");
        return relative;
    }

    static int depth(String path) {
        int n = 0;
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    static String extension(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static String stripExtension(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return dot > slash + 1 ? path.substring(0, dot) : path;
    }
}
