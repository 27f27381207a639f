package dev.clearclip.job;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code flaky:///path}: the local file system, read-only, whose reads of files named with {@link #failing} throw
 * an IOException (as a throttled or disconnected object store would) while {@link #failuresLeft} is positive.
 * Registered with {@code fs.flaky.impl}; local mode shares the JVM, so the switches reach the tasks.
 */
public class FlakyFileSystem extends FileSystem {

    static volatile String failing = "\u0000";
    static final AtomicInteger failuresLeft = new AtomicInteger();

    private URI uri;

    static void failReadsOf(String nameContains, int times) {
        failing = nameContains;
        failuresLeft.set(times);
    }

    @Override
    public void initialize(URI name, org.apache.hadoop.conf.Configuration conf) throws IOException {
        super.initialize(name, conf);
        uri = URI.create("flaky:///");
    }

    @Override
    public String getScheme() {
        return "flaky";
    }

    @Override
    public URI getUri() {
        return uri;
    }

    private static java.nio.file.Path local(Path p) {
        return java.nio.file.Path.of(p.toUri().getPath());
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        if (f.getName().contains(failing) && failuresLeft.getAndDecrement() > 0) {
            throw new IOException("injected: connection reset reading " + f);
        }
        byte[] bytes = Files.readAllBytes(local(f));
        return new FSDataInputStream(new SeekableBytes(bytes));
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        java.nio.file.Path p = local(f);
        if (!Files.exists(p)) {
            throw new FileNotFoundException(f.toString());
        }
        return new FileStatus(Files.isDirectory(p) ? 0 : Files.size(p), Files.isDirectory(p), 1, 1,
                Files.getLastModifiedTime(p).toMillis(), makeQualified(f));
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        try (var s = Files.list(local(f))) {
            return s.map(p -> {
                try {
                    return getFileStatus(new Path("flaky://" + p.toAbsolutePath()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toArray(FileStatus[]::new);
        }
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public FSDataOutputStream append(Path f, int bufferSize, Progressable progress) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public boolean delete(Path f, boolean recursive) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public void setWorkingDirectory(Path dir) {
    }

    @Override
    public Path getWorkingDirectory() {
        return new Path("flaky:///");
    }

    @Override
    public boolean mkdirs(Path f, FsPermission permission) throws IOException {
        throw new IOException("read-only");
    }

    /** What FSDataInputStream needs of its stream: seek and positioned reads. */
    private static final class SeekableBytes extends ByteArrayInputStream
            implements org.apache.hadoop.fs.Seekable, org.apache.hadoop.fs.PositionedReadable {
        SeekableBytes(byte[] bytes) {
            super(bytes);
        }

        @Override
        public void seek(long position) {
            pos = (int) position;
        }

        @Override
        public long getPos() {
            return pos;
        }

        @Override
        public boolean seekToNewSource(long targetPos) {
            return false;
        }

        @Override
        public int read(long position, byte[] buffer, int offset, int length) {
            if (position >= count) {
                return -1;
            }
            int n = (int) Math.min(length, count - position);
            System.arraycopy(buf, (int) position, buffer, offset, n);
            return n;
        }

        @Override
        public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
            if (read(position, buffer, offset, length) < length) {
                throw new java.io.EOFException();
            }
        }

        @Override
        public void readFully(long position, byte[] buffer) throws IOException {
            readFully(position, buffer, 0, buffer.length);
        }
    }

}
