package dev.clearclip.job;

import dev.clearclip.spark.InputRows;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.when;

/**
 * The run's input images as {@link InputRows#SCHEMA} rows, each uri once: listed on executors
 * ({@link FileListing}; executors read the bytes later, a batch at a time), read from a manifest, or the rows of an
 * image table ({@link TableInputs}). The key of a listed file is its path relative to the input, extension kept; its
 * source is the file itself.
 */
final class InputCatalog {

    private InputCatalog() {
    }

    static Dataset<Row> load(SparkSession spark, JobSettings s) {
        if (s.inputs().table() != null) {
            return TableInputs.load(spark, s.inputs().table()); // one row per table row: nothing is dropped
        }
        return s.inputs().manifest() != null ? manifest(spark, s.inputs().manifest()).dropDuplicates("uri")
                : listed(spark, s);
    }

    private static Dataset<Row> listed(SparkSession spark, JobSettings s) {
        List<InputRoot> roots = new ArrayList<>();
        for (String input : s.inputs().uris()) {
            roots.add(root(spark.sparkContext().hadoopConfiguration(), input, s));
        }
        return FileListing.list(spark, s.inputs().uris(), roots);
    }

    /** Works out what an input names (folder, file or glob); a missing input is a settings error. */
    static InputRoot root(Configuration conf, String input, JobSettings s) {
        try {
            Path given = new Path(input);
            FileSystem fs = given.getFileSystem(conf);
            // listed files come back absolute: a relative input must be made absolute to match them
            Path path = fs.makeQualified(given);
            String p = path.toUri().getPath().replaceFirst("/+$", "");
            int globAt = indexOfGlob(p);
            if (globAt >= 0) {
                FileStatus[] matches = fs.globStatus(path);
                if (matches == null || matches.length == 0) {
                    throw new IllegalArgumentException("--input " + input + " matches no file");
                }
                String prefix = p.substring(0, globAt);
                String root = prefix.substring(0, Math.max(0, prefix.lastIndexOf('/')));
                return new InputRoot(root, s.inputs().recursive() ? -1 : InputRoot.depth(p), true, false, s.inputs().extensions());
            }
            if (!fs.exists(path)) {
                throw new IllegalArgumentException("--input " + input + " does not exist");
            }
            if (fs.getFileStatus(path).isDirectory()) {
                return new InputRoot(p, s.inputs().recursive() ? -1 : InputRoot.depth(p) + 1, false, false, s.inputs().extensions());
            }
            return new InputRoot(p.substring(0, Math.max(0, p.lastIndexOf('/'))), -1, false, true, s.inputs().extensions());
        } catch (IOException e) {
            throw new IllegalArgumentException("--input " + input + " cannot be listed: " + e.getMessage(), e);
        }
    }

    static int indexOfGlob(String path) {
        for (int i = 0; i < path.length(); i++) {
            if ("*?[{".indexOf(path.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static Dataset<Row> manifest(SparkSession spark, String uri) {
        boolean csv = uri.toLowerCase(Locale.ROOT).endsWith(".csv");
        Dataset<Row> m = csv ? spark.read().option("header", "true").csv(uri) : spark.read().parquet(uri);
        List<String> columns = Arrays.asList(m.columns());
        if (!columns.contains("uri")) {
            throw new IllegalArgumentException("--manifest " + uri + " has no 'uri' column (columns: "
                    + String.join(", ", columns) + ")");
        }
        // without an image_id, the uri's path minus its extension (as for listed inputs); the key keeps it
        String path = "^(?:[A-Za-z][A-Za-z0-9+.-]*:/*[^/]*/)?/*(.*?)(\\.[^./]*)?$";
        var derived = regexp_extract(col("uri"), path, 1);
        var id = columns.contains("image_id")
                ? when(col("image_id").isNull().or(col("image_id").equalTo(lit(""))), derived)
                .otherwise(col("image_id").cast("string"))
                : derived;
        var key = columns.contains("key") ? col("key").cast("string")
                : concat(derived, regexp_extract(col("uri"), path, 2));
        return m.where(col("uri").isNotNull()).select(col("uri").cast("string").as("uri"), id.as("image_id"),
                col("uri").cast("string").as("source"), key.as("key"),
                lit(null).cast(InputRows.SCHEMA.apply("metadata").dataType()).as("metadata"),
                lit(null).cast("binary").as("image"), lit(null).cast("string").as("read_error"),
                lit(null).cast("boolean").as("read_error_retryable"), lit(null).cast("string").as("source_fingerprint"));
    }
}
