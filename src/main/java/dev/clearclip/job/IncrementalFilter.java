package dev.clearclip.job;

import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.pipeline.PipelinePlan;
import dev.clearclip.spark.MaskSchema;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

/**
 * Incremental runs: an image already in {@code masks} with the same weights and vocabulary is not redone. Adds
 * {@code done_vocabularies} (names of this run's vocabularies already done for the uri) and drops images done for
 * every vocabulary. Error rows count as done unless errors are retried.
 */
final class IncrementalFilter {

    private IncrementalFilter() {
    }

    static Dataset<Row> apply(SparkSession spark, Dataset<Row> inputs, PipelinePlan plan, JobSettings s) {
        String masks = s.table("masks");
        if (s.output().overwrite() || !exists(spark, masks)) {
            return inputs.withColumn("done_vocabularies", lit(null).cast("array<string>"));
        }
        List<Row> current = new ArrayList<>();
        for (QueryEmbeddings q : plan.queries()) {
            current.add(RowFactory.create(q.sha256(), q.vocabulary()));
        }
        Dataset<Row> names = spark.createDataFrame(current, new StructType()
                .add("vocabulary_sha256", DataTypes.StringType).add("current_vocabulary", DataTypes.StringType));
        Dataset<Row> existing = spark.read().parquet(masks)
                .where(col("weights_sha256").equalTo(lit(plan.weightsSha256())));
        if (s.output().retryErrors()) {
            existing = existing.where(col("status").equalTo(lit(MaskSchema.OK)));
        }
        Dataset<Row> done = existing.select("uri", "vocabulary_sha256")
                .join(names, "vocabulary_sha256")
                .groupBy("uri").agg(collect_set("current_vocabulary").as("done_vocabularies"));
        return inputs.join(done, inputs.col("uri").equalTo(done.col("uri")), "left")
                .select(inputs.col("uri"), inputs.col("image_id"), done.col("done_vocabularies"))
                .where(col("done_vocabularies").isNull()
                        .or(size(col("done_vocabularies")).lt(plan.queries().size())));
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
