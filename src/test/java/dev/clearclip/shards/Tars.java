package dev.clearclip.shards;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** Writes real tar (and tar.gz) shards in tests, member by member in the given order. */
public final class Tars {

    private Tars() {
    }

    public static byte[] tar(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, members);
        return out.toByteArray();
    }

    public static byte[] tarGz(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
            write(gz, members);
        }
        return out.toByteArray();
    }

    /** The uncompressed offset where member {@code index}'s data starts (512-byte header before each member). */
    public static long dataOffset(Map<String, byte[]> members, int index) {
        long at = 0;
        int i = 0;
        for (byte[] bytes : members.values()) {
            at += 512;
            if (i++ == index) {
                return at;
            }
            at += (bytes.length + 511) / 512 * 512;
        }
        throw new IllegalArgumentException("no member " + index);
    }

    private static void write(OutputStream sink, Map<String, byte[]> members) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(sink);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            TarArchiveEntry e = new TarArchiveEntry(m.getKey());
            e.setSize(m.getValue().length);
            tar.putArchiveEntry(e);
            tar.write(m.getValue());
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }
}
