package dev.clearclip.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a run changes in the caller's session, put back when it ends: the job group and description (thread
 * local properties), SQL settings and Hadoop settings. The job and the Transformer run inside users' long-lived
 * sessions, which must look the same afterwards.
 */
final class SessionScope implements AutoCloseable {

    private static final String[] LOCAL = {"spark.jobGroup.id", "spark.job.description", "spark.job.interruptOnCancel"};

    private final SparkSession spark;
    private final Map<String, String> local = new LinkedHashMap<>();
    private final Map<String, String> sql = new LinkedHashMap<>();
    private final Map<String, String> hadoop = new LinkedHashMap<>();

    SessionScope(SparkSession spark) {
        this.spark = spark;
        for (String key : LOCAL) {
            local.put(key, spark.sparkContext().getLocalProperty(key));
        }
    }

    /** Sets a session SQL setting for the run, remembering the caller's value. */
    void setSql(String key, String value) {
        if (!sql.containsKey(key)) {
            sql.put(key, spark.conf().contains(key) ? spark.conf().get(key) : null);
        }
        spark.conf().set(key, value);
    }

    /** Sets a Hadoop setting of the shared context for the run, remembering the caller's value. */
    void setHadoop(String key, String value) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        if (!hadoop.containsKey(key)) {
            hadoop.put(key, conf.get(key));
        }
        conf.set(key, value);
    }

    @Override
    public void close() {
        SparkContext sc = spark.sparkContext();
        local.forEach(sc::setLocalProperty); // null removes the property
        sql.forEach((k, v) -> {
            if (v == null) {
                spark.conf().unset(k);
            } else {
                spark.conf().set(k, v);
            }
        });
        Configuration conf = sc.hadoopConfiguration();
        hadoop.forEach((k, v) -> {
            if (v == null) {
                conf.unset(k);
            } else {
                conf.set(k, v);
            }
        });
    }
}
