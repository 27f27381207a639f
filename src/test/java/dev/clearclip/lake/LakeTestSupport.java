package dev.clearclip.lake;

import dev.clearclip.spark.MaskSchema;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A local Spark session with Iceberg's extensions, masks-like rows, and reads that bypass the lake package. */
final class LakeTestSupport {

    /** The job's masks columns plus the rerun key column the sharded-input branch adds. */
    static final StructType MASKS = List.of(MaskSchema.MASKS.fieldNames()).contains("key") ? MaskSchema.MASKS
            : MaskSchema.MASKS.add("key", DataTypes.StringType, false);
    /** The MERGE key: the image's key and its provenance; weights_sha256 stays null to test null-safe matching. */
    static final List<String> KEYS = List.of("key", "vocabulary_sha256", "weights_sha256", "settings_hash",
            "source_fingerprint");
    static final Instant DAY1 = Instant.parse("2026-03-01T10:00:00Z");
    static final Instant DAY2 = Instant.parse("2026-03-02T10:00:00Z");

    private LakeTestSupport() {
    }

    static SparkSession session(String name) {
        SparkSession.Builder b = SparkSession.builder().master("local[2]").appName(name)
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4");
        IcebergTables.sessionSettings().forEach(b::config);
        return b.getOrCreate();
    }

    /** One masks row per key; even keys processed on DAY1, odd on DAY2; mask bytes are the key's text. */
    static Dataset<Row> masks(SparkSession spark, StructType schema, String runId, int from, int to) {
        List<Row> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            rows.add(row(schema, "img-" + i, runId, i % 2 == 0 ? DAY1 : DAY2));
        }
        return spark.createDataFrame(rows, schema);
    }

    private static Row row(StructType schema, String key, String runId, Instant at) {
        Object[] values = new Object[schema.size()];
        for (int i = 0; i < values.length; i++) {
            StructField f = schema.fields()[i];
            values[i] = switch (f.name()) {
                case "key", "image_id" -> key;
                case "uri" -> "file:/corpus/" + key + ".png";
                case "status" -> MaskSchema.OK;
                case "vocabulary" -> "voc";
                case "vocabulary_sha256" -> "v1";
                case "weights_sha256" -> null;
                case "settings_hash" -> "s1";
                case "source_fingerprint" -> "fp-" + key;
                case "run_id" -> runId;
                case "processed_at" -> Timestamp.from(at);
                case "run_date" -> at.toString().substring(0, 10);
                case "mask_png" -> ("png:" + key).getBytes(StandardCharsets.UTF_8);
                default -> f.nullable() ? null : filler(f);
            };
        }
        return RowFactory.create(values);
    }

    private static Object filler(StructField f) {
        if (f.dataType() instanceof ArrayType) {
            return List.of();
        }
        return f.dataType().equals(DataTypes.StringType) ? f.name() : null;
    }

    /** The current snapshot's rows through Iceberg's own readers (a Hadoop catalog at {@code warehouse}). */
    static List<Record> readWithIceberg(Configuration conf, String warehouse, String namespace, String table,
                                        String... columns) {
        HadoopCatalog catalog = new HadoopCatalog(conf, warehouse);
        try {
            Table t = catalog.loadTable(TableIdentifier.of(namespace, table));
            List<Record> out = new ArrayList<>();
            try (CloseableIterable<Record> records = IcebergGenerics.read(t).select(columns).build()) {
                for (Record r : records) {
                    out.add(r.copy());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                catalog.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
