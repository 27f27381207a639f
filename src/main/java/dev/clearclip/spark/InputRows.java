package dev.clearclip.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rows {@link SegmentTask} takes, one per image, whatever the input form: loose files (bytes read by the task),
 * shard samples and table rows (bytes in {@code image}), or inputs already known to be bad ({@code read_error}:
 * permanent, unless {@code read_error_retryable} says the reading failed, not the data). {@code source_fingerprint}
 * is the rerun key's share of the source (null: filled in by {@link SourceFingerprints}). The job appends
 * {@code done_vocabularies} (array of vocabulary names) as the last column.
 */
public final class InputRows {

    public static final StructType SCHEMA = new StructType()
            .add("uri", DataTypes.StringType, false)
            .add("image_id", DataTypes.StringType, false)
            .add("source", DataTypes.StringType, false)
            .add("key", DataTypes.StringType, true)
            .add("metadata", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true)
            .add("image", DataTypes.BinaryType, true)
            .add("read_error", DataTypes.StringType, true)
            .add("read_error_retryable", DataTypes.BooleanType, true)
            .add("source_fingerprint", DataTypes.StringType, true);

    /** With the job's {@code done_vocabularies} column appended. */
    public static final StructType WITH_DONE = SCHEMA.add("done_vocabularies",
            DataTypes.createArrayType(DataTypes.StringType), true);

    static final int URI = 0;
    static final int IMAGE_ID = 1;
    static final int SOURCE = 2;
    static final int KEY = 3;
    static final int METADATA = 4;
    static final int IMAGE = 5;
    static final int READ_ERROR = 6;
    static final int READ_ERROR_RETRYABLE = 7;
    static final int FINGERPRINT = 8;
    static final int DONE = 9;

    private InputRows() {
    }
}
