package dev.clearclip.spark;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Column layout of the {@code masks} table (one row per input image and vocabulary) and its nested structs.
 * {@code uri} is unique per sample (a file's URI, {@code <shard>#<key>}, {@code <table>#<key>}); {@code source} is
 * the file, shard or table it came from and {@code key} the corpus' own key of the sample, verbatim (null on the one
 * error row of a shard that could not be read at all); {@code metadata} holds kept shard members or carried table
 * columns as text. The rerun key of a row is (uri, weights_sha256, vocabulary_sha256, settings_hash,
 * source_fingerprint); {@code retryable} marks an error of the reading or the engine, which the next run tries
 * again. Rows written before these columns existed read them as null, which matches any key.
 */
public final class MaskSchema {

    public static final StructType CLASS = new StructType()
            .add("class_id", DataTypes.IntegerType, false)
            .add("name", DataTypes.StringType, true)
            .add("pixels", DataTypes.LongType, false)
            .add("fraction", DataTypes.DoubleType, false)
            .add("mean_confidence", DataTypes.DoubleType, false);

    public static final StructType RLE = new StructType()
            .add("class_id", DataTypes.IntegerType, false)
            .add("counts", DataTypes.StringType, false);

    /** What a segmentation adds per vocabulary (shared by the table and the ML transformer). */
    public static final StructField[] SEGMENT_FIELDS = {
            DataTypes.createStructField("vocabulary", DataTypes.StringType, false),
            DataTypes.createStructField("vocabulary_sha256", DataTypes.StringType, true),
            DataTypes.createStructField("mask_png", DataTypes.BinaryType, true),
            DataTypes.createStructField("confidence_png", DataTypes.BinaryType, true),
            DataTypes.createStructField("mask_rle", new ArrayType(RLE, false), true),
            DataTypes.createStructField("classes", new ArrayType(CLASS, false), true),
    };

    public static final StructType MASKS = new StructType()
            .add("image_id", DataTypes.StringType, false)
            .add("uri", DataTypes.StringType, false)
            .add("source", DataTypes.StringType, true)
            .add("key", DataTypes.StringType, true)
            .add("metadata", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true)
            .add("width", DataTypes.IntegerType, true)
            .add("height", DataTypes.IntegerType, true)
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true)
            .add("retryable", DataTypes.BooleanType, true)
            .add(SEGMENT_FIELDS[0]).add(SEGMENT_FIELDS[1]).add(SEGMENT_FIELDS[2]).add(SEGMENT_FIELDS[3])
            .add(SEGMENT_FIELDS[4]).add(SEGMENT_FIELDS[5])
            .add("model_id", DataTypes.StringType, false)
            .add("weights_sha256", DataTypes.StringType, true)
            .add("settings", DataTypes.StringType, false)
            .add("settings_hash", DataTypes.StringType, true)
            .add("source_fingerprint", DataTypes.StringType, true)
            .add("code_version", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("processed_at", DataTypes.TimestampType, false)
            .add("run_date", DataTypes.StringType, false);

    public static final String OK = "ok";
    public static final String ERROR = "error";

    private MaskSchema() {
    }
}
