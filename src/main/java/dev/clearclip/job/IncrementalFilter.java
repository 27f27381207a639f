package dev.clearclip.job;

import dev.clearclip.pipeline.PipelinePlan;
import dev.clearclip.spark.MaskSchema;
import dev.clearclip.spark.SegmentTask;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;

/**
 * Incremental runs: an image is done for a vocabulary when {@code masks} holds a row with the same rerun key
 * (weights, vocabulary, settings hash, source fingerprint) that is ok or a permanent error. Retryable errors are
 * tried again unasked; permanent ones with {@code --retry-errors}. Rows written before the settings hash and
 * fingerprint existed have them null, which matches: they stay done for the key they had. Adds
 * {@code done_vocabularies} (this run's vocabularies already done for the uri) and drops images done for all.
 */
final class IncrementalFilter {

    private IncrementalFilter() {
    }

    /** {@code inputs}: uri, image_id, source_fingerprint; the result has {@link SegmentTask#INPUT_COLUMNS}. */
    static Dataset<Row> apply(SparkSession spark, Dataset<Row> inputs, PipelinePlan plan, JobSettings s) {
        String masks = s.table("masks");
        if (s.output().overwrite() || !exists(spark, masks)) {
            return inputs.withColumn("done_vocabularies", lit(null).cast("array<string>"))
                    .select(SegmentTask.INPUT_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
        }
        Column settled = col("status").equalTo(lit(MaskSchema.OK));
        if (!s.output().retryErrors()) {
            settled = settled.or(col("status").equalTo(lit(MaskSchema.ERROR))
                    .and(not(col("retryable").eqNullSafe(lit(true)))));
        }
        Dataset<Row> done = sameKey(spark, masks, plan).where(settled)
                .select(col("uri").as("done_uri"), col("source_fingerprint").as("done_fingerprint"),
                        col("current_vocabulary"));
        Dataset<Row> matched = inputs.join(done, inputs.col("uri").equalTo(done.col("done_uri"))
                        .and(done.col("done_fingerprint").isNull().or(inputs.col("source_fingerprint").isNull())
                                .or(done.col("done_fingerprint").equalTo(inputs.col("source_fingerprint")))), "left")
                .groupBy(inputs.col("uri"), inputs.col("image_id"), inputs.col("source_fingerprint"))
                .agg(collect_set(col("current_vocabulary")).as("done_vocabularies"));
        return matched.where(size(col("done_vocabularies")).lt(plan.queries().size()))
                .select(SegmentTask.INPUT_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
    }

    /**
     * Images of {@code inputs} whose current row for some vocabulary of this run (the newest with this run's
     * weights, vocabulary and settings) is an error: what the error budget is checked against.
     */
    static long outstandingFailures(SparkSession spark, Dataset<Row> inputs, PipelinePlan plan, JobSettings s) {
        String masks = s.table("masks");
        if (!exists(spark, masks)) {
            return 0;
        }
        var newestFirst = Window.partitionBy(col("uri"), col("current_vocabulary"))
                .orderBy(col("processed_at").desc_nulls_last());
        return sameKey(spark, masks, plan)
                .join(inputs.select(col("uri").as("input_uri")), col("uri").equalTo(col("input_uri")), "left_semi")
                .withColumn("_rank", row_number().over(newestFirst))
                .where(col("_rank").equalTo(1).and(col("status").equalTo(lit(MaskSchema.ERROR))))
                .select("uri").distinct().count();
    }

    /** Rows of {@code masks} with this run's weights, and a vocabulary and settings of this run (named by it). */
    private static Dataset<Row> sameKey(SparkSession spark, String masks, PipelinePlan plan) {
        List<Row> current = new ArrayList<>();
        for (int v = 0; v < plan.queries().size(); v++) {
            current.add(RowFactory.create(plan.queries().get(v).sha256(), plan.labelSettingsHash(v),
                    plan.queries().get(v).vocabulary()));
        }
        Dataset<Row> key = spark.createDataFrame(current, new StructType()
                .add("current_sha256", DataTypes.StringType).add("current_settings_hash", DataTypes.StringType)
                .add("current_vocabulary", DataTypes.StringType));
        return existingRows(spark, masks).where(col("weights_sha256").equalTo(lit(plan.weightsSha256())))
                .join(key, col("vocabulary_sha256").equalTo(col("current_sha256")).and(col("settings_hash").isNull()
                        .or(col("settings_hash").equalTo(col("current_settings_hash")))));
    }

    /** The table's rows with its declared schema: no inference, so a folder without data files yet reads empty. */
    static Dataset<Row> existingRows(SparkSession spark, String masks) {
        return spark.read().schema(MaskSchema.MASKS).parquet(masks);
    }

    static boolean exists(SparkSession spark, String uri) {
        try {
            Path path = new Path(uri);
            return path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + uri + ": " + e.getMessage(), e);
        }
    }
}
