package dev.clearclip.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.io.Redact;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One writer per output: a run holds {@code <output>/_clearclip_lease.json} (its run id and a heartbeat) from
 * before its first write to its end. The lease is created atomically (s3a: a conditional PUT, {@code If-None-Match:
 * *}; local files: {@code Files.createFile}, since Hadoop's local create checks and then opens, which races; HDFS:
 * create without overwrite). A lease whose heartbeat is older than the timeout belongs to a dead run and can be
 * taken over; two takers race to create a token file named after the stale lease's version, so only one wins.
 */
final class OutputLease implements AutoCloseable {

    static final String FILE = "_clearclip_lease.json";
    private static final Logger LOG = LoggerFactory.getLogger(OutputLease.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The output is another live run's. */
    static final class HeldException extends Exception {
        HeldException(String message) {
            super(message);
        }
    }

    private final FileSystem fs;
    private final Path lease;
    private final String runId;
    private final Clock clock;
    private final String output;
    private volatile boolean lost;
    private ScheduledExecutorService heartbeat;

    private OutputLease(FileSystem fs, Path lease, String runId, Clock clock, String output) {
        this.fs = fs;
        this.lease = lease;
        this.runId = runId;
        this.clock = clock;
        this.output = output;
    }

    /** Takes the lease of {@code output} for {@code runId}, heart-beating every {@code heartbeat} until closed. */
    static OutputLease acquire(String output, String runId, Duration timeout, Duration heartbeatEvery,
                               Configuration conf, Clock clock) throws HeldException, IOException {
        Path path = new Path(output.replaceAll("/+$", "") + "/" + FILE);
        FileSystem fs = path.getFileSystem(conf);
        OutputLease l = new OutputLease(fs, path, runId, clock, Redact.text(output));
        l.take(timeout);
        l.startHeartbeat(heartbeatEvery);
        return l;
    }

    /**
     * No lease: {@code --no-lease}, where the tables' catalog commits atomically and concurrent runs are meant
     * (Iceberg merges on the rerun key, so they never duplicate a row).
     */
    static OutputLease none(String output, String runId) {
        return new OutputLease(null, null, runId, Clock.systemUTC(), Redact.text(output));
    }

    private void take(Duration timeout) throws HeldException, IOException {
        String mine = content();
        if (createIfAbsent(lease, mine)) {
            return;
        }
        Holder holder = read();
        if (holder == null) {
            // it vanished between our create and our read: its run released it; one more try, then give up
            if (createIfAbsent(lease, mine)) {
                    return;
            }
            holder = read();
        }
        Duration age = holder == null ? Duration.ZERO : Duration.between(holder.heartbeat(), clock.instant());
        if (holder != null && age.compareTo(timeout) <= 0) {
            throw new HeldException("output " + output + " is being written by run " + holder.runId()
                    + " (lease heartbeat " + Math.max(0, age.toSeconds()) + " s ago; a lease older than "
                    + timeout.toSeconds() + " s, --lease-timeout, is taken over)");
        }
        if (holder == null) {
            throw new HeldException("output " + output + " has a lease " + lease.getName() + " that cannot be read");
        }
        // compare-and-swap on the stale version: whoever creates its token replaces it, the others lose
        Path token = new Path(lease.getParent(), FILE + ".takeover-" + holder.version());
        if (!createIfAbsent(token, mine)) {
            throw new HeldException("output " + output + ": another run is taking over the stale lease of run "
                    + holder.runId());
        }
        LOG.warn("run {}: taking over the lease of run {}, whose last heartbeat is {} s old", runId, holder.runId(),
                age.toSeconds());
        overwrite(mine);
    }

    private void startHeartbeat(Duration every) {
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clearclip-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::beat, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void beat() {
        try {
            Holder now = read();
            if (now == null || !now.runId().equals(runId)) {
                lost = true;
                LOG.error("run {}: lost the lease of {} to run {}", runId, output, now == null ? "?" : now.runId());
                heartbeat.shutdown();
                return;
            }
            overwrite(content());
        } catch (IOException | RuntimeException e) {
            LOG.warn("run {}: lease heartbeat failed (retried at the next beat): {}", runId,
                    Redact.text(e.toString()));
        }
    }

    /** False once another run took the lease over (this run's heartbeats had stopped for longer than the timeout). */
    boolean held() {
        return !lost;
    }

    /** Releases the lease if it is still this run's, and the takeover tokens. */
    @Override
    public void close() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        if (fs == null) {
            return; // none() holds nothing
        }
        try {
            Holder now = read();
            if (now != null && now.runId().equals(runId)) {
                fs.delete(lease, false);
            }
            FileStatus[] tokens = fs.globStatus(new Path(lease.getParent(), FILE + ".takeover-*"));
            if (tokens != null) {
                for (FileStatus t : tokens) {
                    fs.delete(t.getPath(), false);
                }
            }
        } catch (IOException e) {
            LOG.warn("run {}: could not release the lease of {}: {}", runId, output, Redact.text(e.toString()));
        }
    }

    record Holder(String runId, Instant heartbeat, String raw) {
        /** Names this exact lease content: a heartbeat makes a new version. */
        String version() {
            return (runId + "-" + heartbeat.toEpochMilli()).replaceAll("[^A-Za-z0-9._-]", "_");
        }
    }

    private Holder read() throws IOException {
        byte[] bytes;
        try (InputStream in = fs.open(lease)) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException e) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            return new Holder(n.get("run_id").asText(), Instant.parse(n.get("heartbeat_at").asText()),
                    new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // a lease written half (a crash mid-write on a file system without atomic writes): as old as its file
            FileStatus s = fs.getFileStatus(lease);
            return new Holder("unknown", Instant.ofEpochMilli(s.getModificationTime()), "");
        }
    }

    private String content() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", runId);
        m.put("heartbeat_at", clock.instant().toString());
        m.put("host", hostName());
        m.put("pid", ProcessHandle.current().pid());
        try {
            return JSON.writeValueAsString(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void overwrite(String text) throws IOException {
        try (FSDataOutputStream out = fs.create(lease, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Atomic create-if-absent with what each file system offers; false when the file exists. */
    private boolean createIfAbsent(Path path, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String scheme = fs.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) {
            java.nio.file.Path local = java.nio.file.Path.of(path.toUri().getPath());
            Files.createDirectories(local.getParent());
            try {
                Files.createFile(local);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
            Files.write(local, bytes);
            return true;
        }
        if (scheme.equals("s3a")) {
            try {
                var builder = fs.createFile(path).overwrite(false);
                builder.must("fs.option.create.conditional.overwrite", true);
                FSDataOutputStream out = builder.build();
                out.write(bytes);
                out.close(); // the conditional PUT happens here, and fails here when the object exists
                return true;
            } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
                return false;
            } catch (IOException e) {
                if (isPreconditionFailed(e)) {
                    return false;
                }
                throw e;
            }
        }
        try (FSDataOutputStream out = fs.create(path, false)) {
            out.write(bytes);
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        }
    }

    private static boolean isPreconditionFailed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("412") || m.contains("PreconditionFailed") || m.contains("Precondition Failed")) {
                return true;
            }
        }
        return false;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
