package dev.clearclip.job;

import dev.clearclip.spark.MaskSchema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

/**
 * {@code class_stats}: per run, vocabulary and class, summed over the run's ok rows of {@code masks}: images
 * containing the class, its pixels, its fraction of all segmented pixels and its pixel-weighted mean confidence.
 */
final class ClassStatsTable {

    static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("vocabulary", DataTypes.StringType, false)
            .add("vocabulary_sha256", DataTypes.StringType, true)
            .add("class_id", DataTypes.IntegerType, false)
            .add("name", DataTypes.StringType, true)
            .add("images", DataTypes.LongType, false)
            .add("pixels", DataTypes.LongType, true)
            .add("pixel_fraction", DataTypes.DoubleType, true)
            .add("mean_confidence", DataTypes.DoubleType, true)
            .add("run_date", DataTypes.StringType, false);

    private ClassStatsTable() {
    }

    static Dataset<Row> of(Dataset<Row> runMasks) {
        Dataset<Row> ok = runMasks.where(col("status").equalTo(lit(MaskSchema.OK)));
        Dataset<Row> totals = ok.groupBy("vocabulary_sha256")
                .agg(sum(col("width").cast("long").multiply(col("height").cast("long"))).as("total_pixels"));
        Column pixels = col("c.pixels");
        Dataset<Row> perClass = ok.select(col("run_id"), col("run_date"), col("vocabulary"),
                        col("vocabulary_sha256"), explode(col("classes")).as("c"))
                .groupBy("run_id", "run_date", "vocabulary", "vocabulary_sha256", "c.class_id")
                .agg(first("c.name").as("name"), count(lit(1)).as("images"), sum(pixels).as("pixels"),
                        sum(pixels.multiply(col("c.mean_confidence"))).as("confidence_pixels"));
        return perClass.join(totals, "vocabulary_sha256")
                .select(col("run_id"), col("vocabulary"), col("vocabulary_sha256"), col("class_id"), col("name"),
                        col("images"), col("pixels"),
                        col("pixels").divide(col("total_pixels")).as("pixel_fraction"),
                        col("confidence_pixels").divide(col("pixels")).as("mean_confidence"), col("run_date"))
                .orderBy("vocabulary", "class_id");
    }
}
