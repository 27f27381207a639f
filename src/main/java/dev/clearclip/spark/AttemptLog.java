package dev.clearclip.spark;

import dev.clearclip.io.Redact;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Poison images: an image that kills its executor (a native abort, the OOM killer) would fail its task on every
 * attempt and abort the run, and every rerun would hit it again. Each task attempt notes the images of the batch
 * it hands to the engine in {@code <attempts>/<stage>-<partition>-<stage attempt>-<attempt>} and deletes the note
 * when it ends (succeeded or failed by an exception), so a note that is left is a dead executor's. A retried
 * attempt reads its dead predecessors' notes: their images are suspects and go to the engine one at a time; an
 * image that died alone and died twice is quarantined, a permanent error row, and the run goes on.
 */
final class AttemptLog {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptLog.class);
    static final String QUARANTINED = "the executor died twice while segmenting this image (a native crash or the"
            + " OOM killer); quarantined";

    private final FileSystem fs;
    private final Path note;
    private final Set<String> suspects;
    private final Set<String> quarantined;

    private AttemptLog(FileSystem fs, Path note, Set<String> suspects, Set<String> quarantined) {
        this.fs = fs;
        this.note = note;
        this.suspects = suspects;
        this.quarantined = quarantined;
    }

    /** The log of this task attempt under {@code dir}, or null when there is no task or no log. */
    static AttemptLog open(String dir, TaskContext task, Configuration conf) {
        if (dir == null || task == null) {
            return null;
        }
        String partition = task.stageId() + "-" + task.partitionId();
        Path base = new Path(dir);
        try {
            FileSystem fs = base.getFileSystem(conf);
            base = fs.makeQualified(base);
            if (fs instanceof org.apache.hadoop.fs.LocalFileSystem) {
                fs.mkdirs(base); // notes are then plain writes into it (note())
            }
            Path own = new Path(base, partition + "-" + task.stageAttemptNumber() + "-" + task.attemptNumber());
            Set<String> suspects = new HashSet<>();
            Set<String> quarantined = new HashSet<>();
            if (task.attemptNumber() > 0 || task.stageAttemptNumber() > 0) {
                Map<String, Integer> deaths = new HashMap<>();
                Set<String> diedAlone = new HashSet<>();
                FileStatus[] notes = fs.globStatus(new Path(base, partition + "-*"));
                for (FileStatus f : notes == null ? new FileStatus[0] : notes) {
                    if (f.getPath().getName().equals(own.getName())) {
                        continue;
                    }
                    List<String> uris = read(fs, f.getPath());
                    for (String uri : uris) {
                        deaths.merge(uri, 1, Integer::sum);
                    }
                    if (uris.size() == 1) {
                        diedAlone.add(uris.get(0));
                    }
                }
                suspects.addAll(deaths.keySet());
                for (Map.Entry<String, Integer> d : deaths.entrySet()) {
                    if (d.getValue() >= 2 && diedAlone.contains(d.getKey())) {
                        quarantined.add(d.getKey());
                        LOG.warn("quarantined {}: {}", Redact.text(d.getKey()), QUARANTINED);
                    }
                }
            }
            return new AttemptLog(fs, own, suspects, quarantined);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the attempt log " + Redact.text(dir) + ": "
                    + e.getMessage(), e);
        }
    }

    /** Images a dead predecessor was segmenting: they go to the engine one at a time. */
    boolean hasSuspects() {
        return !suspects.isEmpty();
    }

    boolean quarantined(String uri) {
        return quarantined.contains(uri);
    }

    /** Before the engine gets {@code uris}: on the file system first, so a crash in the engine leaves it. */
    void note(List<String> uris) {
        byte[] text = String.join("\n", uris).getBytes(StandardCharsets.UTF_8);
        if (fs instanceof org.apache.hadoop.fs.LocalFileSystem) {
            // a note per batch sits between decode and the engine: Hadoop's local create (parent check, checksum
            // file, permissions) took 12 ms a note here, a plain write 2.4 ms (bench/RESULTS.md); never mixed with
            // Hadoop's create, whose checksum file would then disagree with the note
            try {
                java.nio.file.Files.write(java.nio.file.Path.of(note.toUri()), text);
                return;
            } catch (IOException | RuntimeException e) {
                throw new java.io.UncheckedIOException("cannot write the attempt log " + note + ": " + e.getMessage(),
                        e instanceof IOException io ? io : new IOException(e));
            }
        }
        try (FSDataOutputStream out = fs.create(note, true)) {
            out.write(text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write the attempt log " + note + ": " + e.getMessage(), e);
        }
    }

    /** At the end of the attempt, whatever its outcome: only dead attempts leave notes. */
    void clear() {
        try {
            fs.delete(note, false);
        } catch (IOException e) {
            LOG.warn("cannot delete the attempt note {}: {}", note, e.toString());
        }
    }

    private static List<String> read(FileSystem fs, Path p) throws IOException {
        try (FSDataInputStream in = fs.open(p)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> uris = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    uris.add(line);
                }
            }
            return uris;
        } catch (FileNotFoundException e) {
            return List.of(); // its task ended between the listing and this read
        }
    }
}
