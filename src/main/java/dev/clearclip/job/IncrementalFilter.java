package dev.clearclip.job;

import dev.clearclip.pipeline.PipelinePlan;
import dev.clearclip.spark.InputRows;
import dev.clearclip.spark.MaskSchema;
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
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;

/**
 * Incremental runs: an image is done for a vocabulary when {@code masks} holds a row with the same rerun key
 * (uri, weights, vocabulary, settings hash, source fingerprint) that is ok or a permanent error. Retryable errors are
 * tried again unasked; permanent ones with {@code --retry-errors}. Rows written before the settings hash and
 * fingerprint existed have them null, which matches: they stay done for the key they had. The done side is
 * aggregated per uri before it meets the inputs, so table rows (which carry their bytes) are joined, never grouped.
 */
final class IncrementalFilter {

    static final String ENTRIES = "done_entries";

    private IncrementalFilter() {
    }

    /** {@code inputs}: {@link InputRows#SCHEMA}; the result has {@link InputRows#WITH_DONE}, done images dropped. */
    static Dataset<Row> apply(SparkSession spark, ResultTables tables, Dataset<Row> inputs, PipelinePlan plan,
                              JobSettings s) {
        Dataset<Row> done = done(spark, tables, plan, s);
        if (done == null) {
            return inputs.withColumn("done_vocabularies", lit(null).cast("array<string>"));
        }
        return inputs.join(done, inputs.col("uri").equalTo(done.col("done_uri")), "left")
                .select(inputs.col("*"), doneVocabularies().as("done_vocabularies"))
                .where(col("done_vocabularies").isNull()
                        .or(size(col("done_vocabularies")).lt(plan.queries().size())));
    }

    /**
     * {@code (done_uri, done_entries)}: per uri done for one of this run's vocabularies, the (fingerprint,
     * vocabulary) pairs it is done for; null when nothing can be done yet.
     */
    static Dataset<Row> done(SparkSession spark, ResultTables tables, PipelinePlan plan, JobSettings s) {
        if (s.output().overwrite() || !tables.exists("masks")) {
            return null;
        }
        Column settled = col("status").equalTo(lit(MaskSchema.OK));
        if (!s.output().retryErrors()) {
            settled = settled.or(col("status").equalTo(lit(MaskSchema.ERROR))
                    .and(not(col("retryable").eqNullSafe(lit(true)))));
        }
        return sameKey(spark, tables, plan).where(settled)
                .groupBy(col("uri").as("done_uri"))
                .agg(collect_set(struct(col("source_fingerprint").as("fingerprint"),
                        col("current_vocabulary").as("vocabulary"))).as(ENTRIES));
    }

    /**
     * The vocabulary names of {@link #ENTRIES} whose fingerprint matches the row's {@code source_fingerprint} (null
     * on either side matches): null when the row has no entries.
     */
    static Column doneVocabularies() {
        return expr("array_distinct(transform(filter(" + ENTRIES + ", e -> e.fingerprint IS NULL OR "
                + "source_fingerprint IS NULL OR e.fingerprint = source_fingerprint), e -> e.vocabulary))");
    }

    /**
     * Images whose current row for some vocabulary of this run (the newest with this run's weights, vocabulary and
     * settings) is an error, among the rows whose {@code column} is in {@code scope}'s only column: what the error
     * budget is checked against.
     */
    static long outstandingFailures(SparkSession spark, ResultTables tables, Dataset<Row> scope, String column,
                                    PipelinePlan plan) {
        if (!tables.exists("masks")) {
            return 0;
        }
        var newestFirst = Window.partitionBy(col("uri"), col("current_vocabulary"))
                .orderBy(col("processed_at").desc_nulls_last());
        return sameKey(spark, tables, plan)
                .join(scope.select(col(scope.columns()[0]).as("_scope")), col(column).equalTo(col("_scope")),
                        "left_semi")
                .withColumn("_rank", row_number().over(newestFirst))
                .where(col("_rank").equalTo(1).and(col("status").equalTo(lit(MaskSchema.ERROR))))
                .select("uri").distinct().count();
    }

    /** Rows of {@code masks} with this run's weights, and a vocabulary and settings of this run (named by it). */
    static Dataset<Row> sameKey(SparkSession spark, ResultTables tables, PipelinePlan plan) {
        List<Row> current = new ArrayList<>();
        for (int v = 0; v < plan.queries().size(); v++) {
            current.add(RowFactory.create(plan.queries().get(v).sha256(), plan.labelSettingsHash(v),
                    plan.queries().get(v).vocabulary()));
        }
        Dataset<Row> key = spark.createDataFrame(current, new StructType()
                .add("current_sha256", DataTypes.StringType).add("current_settings_hash", DataTypes.StringType)
                .add("current_vocabulary", DataTypes.StringType));
        return tables.read("masks", MaskSchema.MASKS).where(col("weights_sha256").equalTo(lit(plan.weightsSha256())))
                .join(key, col("vocabulary_sha256").equalTo(col("current_sha256")).and(col("settings_hash").isNull()
                        .or(col("settings_hash").equalTo(col("current_settings_hash")))));
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
