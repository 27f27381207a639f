package dev.clearclip.job;

import dev.clearclip.io.Redact;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.io.IOException;
import java.time.Instant;

/**
 * The job's commits leave {@code fs.s3a.committer.abort.pending.uploads} off (so that one run's job commit cannot
 * abort another's uploads), which leaves a killed run's pending multipart uploads (under its {@code __magic} paths)
 * billed forever. Called under the output's lease, when no other run can be writing: every upload under the output
 * begun before this run started belongs to a dead run and is aborted.
 */
final class OrphanUploads {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanUploads.class);

    private OrphanUploads() {
    }

    /** Returns how many uploads were aborted; never fails the run (a failed clean-up is retried by the next). */
    static int abort(Configuration conf, String output, Instant before) {
        Path root = new Path(output);
        if (!"s3a".equals(root.toUri().getScheme())) {
            return 0; // only S3 has uploads that outlive their writer
        }
        try {
            return abortS3a(root, conf, before);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot clean up pending uploads under {}: {}", Redact.text(output), Redact.text(e.toString()));
            return 0;
        }
    }

    private static int abortS3a(Path root, Configuration conf, Instant before) throws IOException {
        S3AFileSystem fs = (S3AFileSystem) root.getFileSystem(conf);
        String prefix = fs.pathToKey(root) + "/";
        int aborted = 0;
        RemoteIterator<MultipartUpload> uploads = fs.listUploads(prefix);
        while (uploads.hasNext()) {
            MultipartUpload upload = uploads.next();
            if (upload.initiated() != null && upload.initiated().isBefore(before)) {
                fs.abortMultipartUpload(upload.key(), upload.uploadId());
                aborted++;
            }
        }
        if (aborted > 0) {
            LOG.info("aborted {} pending upload(s) that dead runs left under {}", aborted, Redact.text(root.toString()));
        }
        return aborted;
    }
}
