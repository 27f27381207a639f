package dev.clearclip.job;

import dev.clearclip.spark.InputRows;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

/**
 * {@code --input-table}: a Parquet path (anything with a '/') or a catalog table with one image per row, as
 * {@link InputRows}, planned as Spark columns only, so the driver never sees a row. The image column is a binary
 * column or a struct with a binary {@code bytes} field, detected for img2dataset ({@code jpg}, {@code png},
 * {@code webp} next to {@code key}) and Hugging Face datasets ({@code image: {bytes, path}}); the bytes are decoded by
 * content, whatever the column is called. The key is the key column, else {@code image.path} when every row has a
 * distinct one, else {@code <file>:<row index>}. The rows carry one more column, {@link #FILE}.
 */
final class TableInputs {

    static final List<String> IMG2DATASET = List.of("jpg", "png", "webp");

    /**
     * The column after {@link InputRows#SCHEMA}'s that names the row's table file (null for a catalog table): a
     * filter on it is a filter on {@code _metadata.file_path}, which Spark uses to skip the other files unread.
     */
    static final String FILE = "table_file";

    private TableInputs() {
    }

    static Dataset<Row> load(SparkSession spark, JobSettings.InputTable t) {
        Dataset<Row> table = t.uri().contains("/") ? spark.read().parquet(t.uri()) : spark.table(t.uri());
        StructType schema = table.schema();
        String image = imageColumn(schema, t);
        boolean struct = schema.apply(image).dataType() instanceof StructType;
        Column bytes = struct ? col(image).getField("bytes") : col(image);
        Column key = key(spark, table, schema, t, image, struct);
        List<Column> carried = new ArrayList<>();
        for (String c : t.carryColumns()) {
            require(schema, c, "--carry-columns", t);
            carried.add(lit(c));
            carried.add(col(c).cast("string"));
        }
        Column metadata = carried.isEmpty() ? lit(null).cast(InputRows.SCHEMA.apply("metadata").dataType())
                : map(carried.toArray(Column[]::new));
        boolean files = t.uri().contains("/");
        // the table file's version and the key, as a shard sample's; a catalog table has no file to name
        Column fingerprint = files ? concat(lit("len:"), col("_metadata.file_size").cast("string"), lit(",mtime:"),
                unix_millis(col("_metadata.file_modification_time")).cast("string"), lit("#"), key)
                : lit(null).cast("string");
        return table.select(
                concat(lit(t.uri() + "#"), key).as("uri"),
                key.as("image_id"),
                lit(t.uri()).as("source"),
                key.as("key"),
                metadata.as("metadata"),
                bytes.as("image"),
                when(bytes.isNull(), lit("row has no image bytes in column " + image + " of " + t.uri()))
                        .as("read_error"),
                lit(null).cast("boolean").as("read_error_retryable"),
                fingerprint.as("source_fingerprint"),
                (files ? col("_metadata.file_path") : lit(null).cast("string")).as(FILE));
    }

    /** A wave of a file table: whole files, and how many of their rows are to do. */
    record FileWave(List<String> files, long rows) {
    }

    /**
     * Packs the table files that have rows to do ({@code todo}: {@link #load}'s rows less the done ones) into waves
     * of about {@code target} rows, never splitting a file, so that each wave reads its own files only; files with
     * nothing to do are in no wave and are never read again. One aggregate over the key columns: the driver sees a
     * row per file, never per image. Null for a catalog table, which has no files to name.
     */
    static List<FileWave> fileWaves(Dataset<Row> todo, long target) {
        List<Row> perFile = todo.groupBy(col(FILE)).agg(count(lit(1)).as("rows")).orderBy(col(FILE)).collectAsList();
        if (!perFile.isEmpty() && perFile.get(0).isNullAt(0)) {
            return null;
        }
        long total = perFile.stream().mapToLong(r -> r.getLong(1)).sum();
        long n = Math.max(1, (total + target - 1) / Math.max(1, target));
        long perWave = (total + n - 1) / n;
        List<FileWave> waves = new ArrayList<>();
        List<String> files = new ArrayList<>();
        long rows = 0;
        for (Row r : perFile) {
            files.add(r.getString(0));
            rows += r.getLong(1);
            if (rows >= perWave) {
                waves.add(new FileWave(List.copyOf(files), rows));
                files.clear();
                rows = 0;
            }
        }
        if (!files.isEmpty()) {
            waves.add(new FileWave(List.copyOf(files), rows));
        }
        return waves;
    }

    private static String imageColumn(StructType schema, JobSettings.InputTable t) {
        if (t.imageColumn() != null) {
            require(schema, t.imageColumn(), "--image-column", t);
            if (!isImage(schema.apply(t.imageColumn()).dataType())) {
                throw new IllegalArgumentException("--image-column " + t.imageColumn() + " of " + t.uri() + " is "
                        + schema.apply(t.imageColumn()).dataType().simpleString()
                        + ", not binary nor a struct with a binary 'bytes' field");
            }
            return t.imageColumn();
        }
        List<String> names = Arrays.asList(schema.fieldNames());
        if (names.contains("image") && schema.apply("image").dataType() instanceof StructType
                && isImage(schema.apply("image").dataType())) {
            return "image";
        }
        for (String c : IMG2DATASET) {
            if (names.contains(c) && schema.apply(c).dataType() instanceof BinaryType) {
                return c;
            }
        }
        throw new IllegalArgumentException("--input-table " + t.uri() + " has no image column I recognise (binary "
                + String.join("/", IMG2DATASET) + " as img2dataset writes, or image {bytes, path} as Hugging Face "
                + "datasets do); name it with --image-column (columns: " + String.join(", ", names) + ")");
    }

    private static boolean isImage(DataType type) {
        if (type instanceof BinaryType) {
            return true;
        }
        if (type instanceof StructType s) {
            for (StructField f : s.fields()) {
                if (f.name().equals("bytes") && f.dataType() instanceof BinaryType) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Column key(SparkSession spark, Dataset<Row> table, StructType schema, JobSettings.InputTable t,
                              String image, boolean struct) {
        Column fileRow = concat(col("_metadata.file_name"), lit(":"), col("_metadata.row_index").cast("string"));
        if (t.keyColumn() != null) {
            require(schema, t.keyColumn(), "--key-column", t);
            return coalesce(col(t.keyColumn()).cast("string"), fileRow);
        }
        if (Arrays.asList(schema.fieldNames()).contains("key")) {
            return coalesce(col("key").cast("string"), fileRow);
        }
        if (struct && Arrays.asList(((StructType) schema.apply(image).dataType()).fieldNames()).contains("path")) {
            Column path = col(image).getField("path");
            // one aggregate over the table (no rows reach the driver): are the paths set and distinct?
            Row c = table.agg(count(lit(1)), count(path), countDistinct(path)).first();
            if (c.getLong(0) == c.getLong(1) && c.getLong(1) == c.getLong(2)) {
                return path.cast("string");
            }
        }
        return fileRow;
    }

    private static void require(StructType schema, String column, String option, JobSettings.InputTable t) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(option + " " + column + ": " + t.uri() + " has no such column "
                    + "(columns: " + String.join(", ", schema.fieldNames()) + ")");
        }
    }
}
