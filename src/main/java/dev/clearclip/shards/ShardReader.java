package dev.clearclip.shards;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The samples of one shard, streamed: a member's bytes are read when its header is reached, never the whole shard,
 * and members that are neither the image nor kept metadata are skipped unread. Consecutive members with the same key
 * form one sample (WebDataset's {@code group_by_keys}). A shard that breaks off (a cut member, an unreadable header,
 * a missing end-of-archive marker, a bad gzip stream) ends with an error sample for the sample it cut, naming the
 * shard and byte offset, and nothing after it; a file of which no header can be read is one error sample with a
 * null key.
 */
public final class ShardReader implements Iterator<ShardSample>, Closeable {

    private static final int RECORD = 512;

    private final String shard;
    private final List<String> imageExtensions;
    private final Set<String> keep;
    private final long maxMemberBytes;
    private final InputStream raw;
    private final ReadGuard guard;
    private final ArrayDeque<ShardSample> ready = new ArrayDeque<>();
    private final Set<String> keys = new HashSet<>();
    private TarArchiveInputStream tar;
    private Pending current;
    private long lastEnd;
    private int members;
    private boolean finished;

    /**
     * @param shard           the shard's URI, for messages (a {@code .tar.gz}/{@code .tgz} name is read as gzip)
     * @param imageExtensions image member extensions, in order of preference
     * @param keep            side member extensions whose text is kept ({@code json}, {@code txt})
     */
    public ShardReader(String shard, InputStream raw, List<String> imageExtensions, Set<String> keep,
                       long maxMemberBytes) {
        this.shard = shard;
        this.raw = raw;
        this.guard = new ReadGuard(raw);
        this.imageExtensions = List.copyOf(imageExtensions);
        this.keep = Set.copyOf(keep);
        this.maxMemberBytes = maxMemberBytes;
        try {
            InputStream in = ShardNames.isGzip(shard) ? new GzipCompressorInputStream(guard, true) : guard;
            tar = new TarArchiveInputStream(in);
        } catch (IOException e) {
            finish(guard.failure != null ? readFailed(null, null, 0)
                    : new ShardSample(null, null, null, null, "shard " + shard + " is not a readable "
                    + "gzip stream: " + e.getMessage(), 0));
        }
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && !finished) {
            step();
        }
        return !ready.isEmpty();
    }

    @Override
    public ShardSample next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    /** Reads one member header (and the member, when it is kept). */
    private void step() {
        long headerAt = tar.getBytesRead();
        TarArchiveEntry entry;
        try {
            entry = tar.getNextEntry();
        } catch (IOException e) {
            cut(null, tar.getBytesRead(), "cannot read the member header at byte " + headerAt + ": " + e.getMessage());
            return;
        }
        if (entry == null) {
            end();
            return;
        }
        MemberName name = entry.isFile() ? MemberName.of(entry.getName()) : null;
        if (name == null) {
            return; // directories, links and names WebDataset skips are not samples
        }
        members++;
        lastEnd = tar.getBytesRead() + (entry.getSize() + RECORD - 1) / RECORD * RECORD;
        if (current != null && !current.key.equals(name.key())) {
            ready.add(current.build());
            current = null;
        }
        if (current == null) {
            current = new Pending(name.key(), headerAt, !keys.add(name.key()));
        }
        try {
            current.add(entry, name.extension());
        } catch (IOException e) {
            cut(entry.getName(), tar.getBytesRead(), e.getMessage());
        }
    }

    /** The tar ended; Commons Compress also ends quietly when a header is cut short, so check the end marker. */
    private void end() {
        long read = tar.getBytesRead();
        if (members == 0 && read < RECORD) {
            finish(new ShardSample(null, null, null, null, "shard " + shard + " is not a tar: "
                    + (read == 0 ? "it is empty" : "no member header in its " + read + " bytes"), 0));
        } else if (current != null && read - lastEnd < RECORD) {
            cut(null, read, "the shard ends without its end-of-archive marker");
        } else {
            finish(current == null ? null : current.build());
        }
    }

    private void cut(String member, long at, String why) {
        if (guard.failure != null) {
            finish(readFailed(current == null ? null : current.key, current == null ? null : current.metadata, at));
            return;
        }
        String where = "shard " + shard + " is truncated or corrupt at byte " + at
                + (member != null ? " in member " + member : "") + ": " + why;
        if (current == null && members == 0) {
            finish(new ShardSample(null, null, null, null, "shard " + shard + " is not a tar: no member header "
                    + "can be read (" + why + ")", at));
        } else if (current == null) {
            finish(null);
        } else {
            finish(new ShardSample(current.key, null, null, current.metadata, where + " (sample " + current.key
                    + " is cut)", current.offset));
        }
    }

    /** The file system failed under the shard: a retryable error for the sample it cut, none after it. */
    private ShardSample readFailed(String key, Map<String, String> metadata, long at) {
        return new ShardSample(key, null, null, metadata, "reading shard " + shard + " failed at byte " + at
                + (key == null ? "" : " (sample " + key + ")") + ": " + guard.failure, at, true);
    }

    private void finish(ShardSample last) {
        if (last != null) {
            ready.add(last);
        }
        current = null;
        finished = true;
        close();
    }

    @Override
    public void close() {
        try {
            raw.close();
        } catch (IOException e) {
            // the samples are already out; a failed close loses nothing
        }
    }

    /**
     * Remembers an IOException of the underlying stream: Commons Compress reports a cut archive and a failed read
     * alike, and only the second may pass on a retry.
     */
    private static final class ReadGuard extends java.io.FilterInputStream {
        private String failure;

        ReadGuard(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failure = e.toString();
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure = e.toString();
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                failure = e.toString();
                throw e;
            }
        }
    }

    /** The members read so far for one key. */
    private final class Pending {
        final String key;
        final long offset;
        final Map<String, String> metadata = new HashMap<>();
        final Set<String> extensions = new HashSet<>();
        String error;
        String imageMember;
        int imageRank = Integer.MAX_VALUE;
        byte[] image;

        Pending(String key, long offset, boolean seenBefore) {
            this.key = key;
            this.offset = offset;
            if (seenBefore) {
                error = "key " + key + " appears again at byte " + offset + " of shard " + shard
                        + " (the members of a sample must be consecutive)";
            }
        }

        void add(TarArchiveEntry entry, String extension) throws IOException {
            if (!extensions.add(extension)) {
                error = "sample " + key + " has two ." + extension + " members in shard " + shard;
                return;
            }
            int rank = imageExtensions.indexOf(extension);
            boolean isImage = rank >= 0 && rank < imageRank;
            if (!isImage && !keep.contains(extension)) {
                return;
            }
            if (entry.getSize() > maxMemberBytes) {
                error = "member " + entry.getName() + " of shard " + shard + " has " + entry.getSize()
                        + " bytes, over the limit of " + maxMemberBytes + " (--max-file-bytes)";
                return;
            }
            byte[] bytes = tar.readNBytes((int) entry.getSize());
            if (bytes.length < entry.getSize()) {
                throw new IOException("member has " + bytes.length + " of its " + entry.getSize() + " bytes");
            }
            if (isImage) {
                image = bytes;
                imageMember = entry.getName();
                imageRank = rank;
            } else {
                metadata.put(extension, new String(bytes, StandardCharsets.UTF_8));
            }
        }

        ShardSample build() {
            if (error == null && image == null) {
                error = "sample " + key + " of shard " + shard + " has no image member (members: "
                        + String.join(", ", extensions.stream().sorted().toList()) + "; images are "
                        + String.join(", ", imageExtensions) + ")";
            }
            return new ShardSample(key, imageMember, error == null ? image : null, metadata, error, offset);
        }
    }
}
