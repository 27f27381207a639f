package dev.clearclip.job;

import org.apache.spark.sql.SparkSession;

import java.util.Locale;

/**
 * Object-store outputs are committed with the S3A magic committer (spark-hadoop-cloud), so a failed or retried task
 * never leaves partial or duplicate files; rename-based commits are neither atomic nor fast on S3.
 */
final class OutputCommitters {

    private OutputCommitters() {
    }

    static void configure(SparkSession spark, String output) {
        if (!output.toLowerCase(Locale.ROOT).startsWith("s3a://")) {
            return;
        }
        spark.conf().set("spark.sql.sources.commitProtocolClass",
                "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol");
        spark.conf().set("spark.sql.parquet.output.committer.class",
                "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter");
        var hadoop = spark.sparkContext().hadoopConfiguration();
        if (hadoop.get("fs.s3a.committer.name") == null || hadoop.get("fs.s3a.committer.name").equals("file")) {
            hadoop.set("fs.s3a.committer.name", "magic");
        }
        hadoop.setBoolean("fs.s3a.committer.magic.enabled", true);
        hadoop.set("mapreduce.outputcommitter.factory.scheme.s3a",
                "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory");
    }
}
