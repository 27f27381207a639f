package dev.clearclip.spark;

import dev.clearclip.inference.RejectedInputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/** Reads one input file through Hadoop's file systems (s3a, hdfs, file), refusing files over a size limit. */
public final class ImageFiles {

    private ImageFiles() {
    }

    /**
     * What identifies this version of the file for the rerun key: the object's ETag where the file system gives one
     * (s3a), else size and modification time. Null when it cannot be read now: the image is then judged by its read.
     */
    public static String fingerprint(String uri, Configuration conf) {
        try {
            Path path = new Path(uri);
            return fingerprint(path.getFileSystem(conf).getFileStatus(path));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The same from a status the caller already has (a listing): no request of its own. */
    public static String fingerprint(FileStatus status) {
        if (status instanceof EtagSource e && e.getEtag() != null && !e.getEtag().isEmpty()) {
            return "etag:" + e.getEtag().replace("\"", "");
        }
        return "len:" + status.getLen() + ",mtime:" + status.getModificationTime();
    }

    /** The file's bytes; an IOException names the problem (missing, too large, unreadable). */
    public static byte[] read(String uri, Configuration conf, long maxBytes) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = path.getFileSystem(conf);
        FileStatus status = fs.getFileStatus(path);
        if (status.isDirectory()) {
            throw new RejectedInputException("is a directory");
        }
        if (status.getLen() > maxBytes) {
            throw new RejectedInputException("file has " + status.getLen() + " bytes, over the limit of " + maxBytes
                    + " (--max-file-bytes)");
        }
        try (FSDataInputStream in = fs.open(path)) {
            byte[] bytes = new byte[(int) status.getLen()];
            in.readFully(0, bytes);
            return bytes;
        }
    }
}
