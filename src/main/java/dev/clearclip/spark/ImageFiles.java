package dev.clearclip.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/** Reads one input file through Hadoop's file systems (s3a, hdfs, file), refusing files over a size limit. */
public final class ImageFiles {

    private ImageFiles() {
    }

    /** The file's bytes; an IOException names the problem (missing, too large, unreadable). */
    public static byte[] read(String uri, Configuration conf, long maxBytes) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = path.getFileSystem(conf);
        FileStatus status = fs.getFileStatus(path);
        if (status.isDirectory()) {
            throw new IOException("is a directory");
        }
        if (status.getLen() > maxBytes) {
            throw new IOException("file has " + status.getLen() + " bytes, over the limit of " + maxBytes
                    + " (--max-file-bytes)");
        }
        try (FSDataInputStream in = fs.open(path)) {
            byte[] bytes = new byte[(int) status.getLen()];
            in.readFully(0, bytes);
            return bytes;
        }
    }
}
