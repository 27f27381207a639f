package dev.clearclip.eval;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** File access through Hadoop's FileSystem, so file://, hdfs:// and s3a:// inputs and outputs all work. */
public final class HadoopFiles {

    /** A file under a listed root: its path relative to the root ('/'-separated) and its full URI. */
    public record Listed(String relativePath, String uri) {
    }

    private HadoopFiles() {
    }

    /** every file under {@code root} (recursively) whose name passes {@code accept}, sorted by relative path */
    public static List<Listed> list(String root, Predicate<String> accept, Configuration conf) throws IOException {
        Path rootPath = new Path(root);
        FileSystem fs = rootPath.getFileSystem(conf);
        Path qualified = fs.makeQualified(rootPath);
        if (!fs.exists(qualified)) {
            throw new FileNotFoundException(root + " does not exist");
        }
        if (!fs.getFileStatus(qualified).isDirectory()) {
            throw new IllegalArgumentException(root + " is a file, a folder is needed");
        }
        String prefix = qualified.toUri().getPath().replaceAll("/+$", "") + "/";
        List<Listed> out = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(qualified, true);
        while (it.hasNext()) {
            Path p = it.next().getPath();
            String path = p.toUri().getPath();
            String relative = path.startsWith(prefix) ? path.substring(prefix.length()) : p.getName();
            if (!hidden(relative) && accept.test(p.getName())) {
                out.add(new Listed(relative, p.toString()));
            }
        }
        out.sort((a, b) -> a.relativePath().compareTo(b.relativePath()));
        return out;
    }

    public static byte[] read(String uri, Configuration conf) throws IOException {
        Path p = new Path(uri);
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            return in.readAllBytes();
        }
    }

    public static void write(String uri, byte[] bytes, Configuration conf) throws IOException {
        dev.clearclip.spark.SideFileFreeWrites.write(new Path(uri), bytes, conf);
    }

    /** Spark's and Hadoop's bookkeeping files (_SUCCESS, .crc, _temporary/...) are never data */
    private static boolean hidden(String relativePath) {
        for (String part : relativePath.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
