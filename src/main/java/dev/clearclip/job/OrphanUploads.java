package dev.clearclip.job;

import dev.clearclip.io.Redact;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.MultipartUploader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ExecutionException;

/**
 * The job's commits leave {@code fs.s3a.committer.abort.pending.uploads} off (so that one run's job commit cannot
 * abort another's uploads), which leaves a killed run's pending multipart uploads (under its {@code __magic} paths)
 * billed forever. Called under the output's lease before the run writes anything, when no other run can be
 * writing: every upload under the output then belongs to a dead run and is aborted. Hadoop's generic
 * {@link MultipartUploader} does it, so this compiles without hadoop-aws (the Spark 3.5 build).
 */
final class OrphanUploads {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanUploads.class);

    private OrphanUploads() {
    }

    /** Returns how many uploads were aborted; never fails the run (a failed clean-up is retried by the next). */
    static int abort(Configuration conf, String output) {
        Path root = new Path(output);
        if (!"s3a".equals(root.toUri().getScheme())) {
            return 0; // only S3 has uploads that outlive their writer
        }
        try {
            FileSystem fs = root.getFileSystem(conf);
            int aborted;
            try (MultipartUploader uploader = fs.createMultipartUploader(root).build()) {
                aborted = uploader.abortUploadsUnderPath(root).get();
            }
            if (aborted > 0) {
                LOG.info("aborted {} pending upload(s) that dead runs left under {}", aborted,
                        Redact.text(root.toString()));
            }
            return aborted;
        } catch (IOException | RuntimeException | ExecutionException e) {
            LOG.warn("cannot clean up pending uploads under {}: {}", Redact.text(output), Redact.text(e.toString()));
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
