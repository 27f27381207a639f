package dev.clearclip.job;

import java.util.Locale;

/**
 * Object-store outputs are committed with the S3A magic committer (spark-hadoop-cloud), so a failed or retried task
 * never leaves partial or duplicate files; rename-based commits are neither atomic nor fast on S3. Set for the run
 * only, through the session scope.
 */
final class OutputCommitters {

    private OutputCommitters() {
    }

    static void configure(SessionScope scope, org.apache.hadoop.conf.Configuration hadoop, String output) {
        if (!output.toLowerCase(Locale.ROOT).startsWith("s3a://")) {
            return;
        }
        scope.setSql("spark.sql.sources.commitProtocolClass",
                "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol");
        scope.setSql("spark.sql.parquet.output.committer.class",
                "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter");
        if (hadoop.get("fs.s3a.committer.name") == null || hadoop.get("fs.s3a.committer.name").equals("file")) {
            scope.setHadoop("fs.s3a.committer.name", "magic");
        }
        scope.setHadoop("fs.s3a.committer.magic.enabled", "true");
        // the default (true) makes a job commit abort every pending upload under the output, another live run's too
        scope.setHadoop("fs.s3a.committer.abort.pending.uploads", "false");
        scope.setHadoop("mapreduce.outputcommitter.factory.scheme.s3a",
                "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory");
    }
}
