package dev.clearclip.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/**
 * Files a user opens (reports, label PNGs, overlays, run JSON) are written without Hadoop's {@code .crc} side files:
 * the local file system's checksumming wrapper adds one per file, which litters folders meant for people and tools.
 * Other file systems are used as they are; the shared cached instance is never reconfigured.
 */
public final class SideFileFreeWrites {

    private SideFileFreeWrites() {
    }

    public static FSDataOutputStream create(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        if (fs instanceof LocalFileSystem local) {
            fs = local.getRawFileSystem();
        }
        return fs.create(path, true);
    }

    public static void write(Path path, byte[] bytes, Configuration conf) throws IOException {
        try (FSDataOutputStream out = create(path, conf)) {
            out.write(bytes);
        }
    }
}
