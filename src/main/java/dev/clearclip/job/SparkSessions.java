package dev.clearclip.job;

import dev.clearclip.spark.TaskAttempts;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.util.Map;

/**
 * The session a {@code segment} run uses: the one spark-submit (or a test) already made, else an embedded one on
 * {@code --master} (default {@code local[*,4]}: tasks are retried as on a cluster). S3A credentials come from the standard Hadoop/AWS providers, never from here.
 */
final class SparkSessions {

    private SparkSessions() {
    }

    static SparkSession create(String master, Map<String, String> extra) {
        SparkConf conf = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName("clearclip segment");
        if (master != null) {
            builder.master(master);
        } else if (!conf.contains("spark.master")) {
            builder.master(TaskAttempts.DEFAULT_LOCAL_MASTER);
        }
        extra.forEach(builder::config);
        return builder.getOrCreate();
    }
}
