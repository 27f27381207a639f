package dev.clearclip.eval;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

/**
 * The one place that knows the column layout of the job's {@code masks} table. Everything else reads the canonical
 * columns it returns ({@link #IMAGE_ID}, ...), so a layout change is a change of {@link Columns} (names may be
 * nested paths such as {@code seg.mask_png}) or of {@link #rows}.
 */
public final class MasksTable {
    public static final String IMAGE_ID = "image_id";
    public static final String URI = "uri";
    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";
    public static final String STATUS = "status";
    public static final String ERROR = "error";
    public static final String VOCABULARY = "vocabulary";
    public static final String MASK_PNG = "mask_png";
    /** array of struct(class_id, name, pixels, fraction, mean_confidence) */
    public static final String CLASSES = "classes";
    public static final String RUN_ID = "run_id";
    /** true on an error of the reading or the engine, which the next run tries again */
    public static final String RETRYABLE = "retryable";
    public static final String OK = "ok";

    /** where each canonical column lives in the table; {@code processedAt} may be null (then any row of an image) */
    public record Columns(String imageId, String uri, String width, String height, String status, String error,
                          String vocabulary, String maskPng, String classes, String runId, String processedAt) {
        public static final Columns DEFAULT = new Columns("image_id", "uri", "width", "height", "status", "error",
                "vocabulary", "mask_png", "classes", "run_id", "processed_at");

        public Columns {
            for (String c : new String[]{imageId, uri, width, height, status, error, vocabulary, maskPng, classes,
                    runId}) {
                Objects.requireNonNull(c, "masks column names must not be null");
            }
        }
    }

    private final Dataset<Row> table;
    private final Columns columns;

    public MasksTable(Dataset<Row> table, Columns columns) {
        this.table = table;
        this.columns = columns;
    }

    /**
     * The job's own {@code masks}: a Parquet folder read with its schema (a folder a crashed first run left empty
     * reads as no rows), an Iceberg table folder, or a catalog table ({@link dev.clearclip.lake.LakeTables}).
     */
    public static MasksTable read(SparkSession spark, String uri) {
        return new MasksTable(dev.clearclip.lake.LakeTables.read(spark, uri, dev.clearclip.spark.MaskSchema.MASKS),
                Columns.DEFAULT);
    }

    /** all rows in the canonical columns, one per (image, vocabulary, run) as written */
    public Dataset<Row> rows() {
        Columns c = columns;
        Column processed = c.processedAt() == null ? lit(null).cast("timestamp") : col(c.processedAt());
        return table.select(col(c.imageId()).as(IMAGE_ID), col(c.uri()).as(URI), col(c.width()).as(WIDTH),
                col(c.height()).as(HEIGHT), col(c.status()).as(STATUS), col(c.error()).as(ERROR),
                col(c.vocabulary()).as(VOCABULARY), col(c.maskPng()).as(MASK_PNG), col(c.classes()).as(CLASSES),
                col(c.runId()).as(RUN_ID), processed.as("processed_at"), retryable().as(RETRYABLE));
    }

    /** The job's retryable flag; tables of other tools (and the job's before it existed) have none: null. */
    private Column retryable() {
        return java.util.Arrays.asList(table.columns()).contains(RETRYABLE) ? col(RETRYABLE)
                : lit(null).cast("boolean");
    }

    public List<String> vocabularies() {
        return rows().select(VOCABULARY).distinct().orderBy(VOCABULARY).as(
                org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    /** the vocabulary asked for, or the table's only one; IllegalArgumentException naming the choices otherwise */
    public String resolveVocabulary(String requested) {
        List<String> all = vocabularies();
        if (requested != null) {
            if (!all.contains(requested)) {
                throw new IllegalArgumentException("vocabulary '" + requested + "' is not in the masks table (it has "
                        + (all.isEmpty() ? "no rows" : String.join(", ", all)) + ")");
            }
            return requested;
        }
        if (all.size() != 1) {
            throw new IllegalArgumentException(all.isEmpty() ? "the masks table has no rows"
                    : "the masks table has several vocabularies (" + String.join(", ", all)
                    + "): choose one with --vocabulary");
        }
        return all.get(0);
    }

    /**
     * The reader rule: one current row per image for a vocabulary (and run, when {@code runId} is not null). Reruns
     * append rows (a changed setting or source gives a new row beside the old one), so the current row is the
     * newest, except that a retryable error (or an error row written before the flag existed) never hides an earlier
     * row that is not one.
     */
    public Dataset<Row> latest(String vocabulary, String runId) {
        Dataset<Row> rows = rows().where(col(VOCABULARY).equalTo(lit(vocabulary)));
        if (runId != null) {
            rows = rows.where(col(RUN_ID).equalTo(lit(runId)));
        }
        // an error that may be retryable (flagged so, or written before the flag existed) ranks after every row
        // that is not
        var current = Window.partitionBy(IMAGE_ID).orderBy(
                when(col(STATUS).notEqual(lit(OK)).and(not(col(RETRYABLE).eqNullSafe(lit(false)))), 1).otherwise(0),
                col("processed_at").desc_nulls_last());
        return rows.withColumn("_rank", row_number().over(current)).where(col("_rank").equalTo(1))
                .drop("_rank");
    }
}
