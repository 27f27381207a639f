package dev.clearclip.lake;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The incremental filter's cost against a large masks table (issue 13 asks for 1M rows): the anti-join of a batch of
 * inputs with the done keys, next to a read of the mask bytes. Only on demand:
 * {@code mvn -Dtest=DoneKeysBenchTest -Dlake.bench.rows=1000000 test}; figures in bench/RESULTS.md.
 */
@EnabledIfSystemProperty(named = "lake.bench.rows", matches = "\\d+")
class DoneKeysBenchTest {

    private static final List<String> KEYS = List.of("key", "vocabulary_sha256", "settings_hash", "source_fingerprint");
    private static final StructType SCHEMA = new StructType()
            .add("key", DataTypes.StringType, false).add("vocabulary_sha256", DataTypes.StringType, true)
            .add("settings_hash", DataTypes.StringType, true).add("source_fingerprint", DataTypes.StringType, true)
            .add("status", DataTypes.StringType, false).add("retryable", DataTypes.BooleanType, true)
            .add("mask_png", DataTypes.BinaryType, true).add("confidence_png", DataTypes.BinaryType, true)
            .add("processed_at", DataTypes.TimestampType, false);

    @TempDir
    Path dir;

    @Test
    void doneKeysAtScale() {
        long rows = Long.getLong("lake.bench.rows");
        SparkSession spark = LakeTestSupport.session("DoneKeysBenchTest");
        try (IcebergTables lake = IcebergTables.open(spark, Target.warehouse(dir.toUri().toString(), "bench", true))) {
            lake.ensureTable("masks", SCHEMA, TableLayout.byDayAndKey("processed_at", "key", 16));
            long t0 = System.nanoTime();
            lake.append("masks", table(spark, rows), "bench", 0);
            double load = (System.nanoTime() - t0) / 1e9;

            Dataset<Row> inputs = keyed(spark.range(rows - 5_000, rows + 5_000));
            Column done = functions.col("status").equalTo("ok")
                    .or(functions.not(functions.coalesce(functions.col("retryable"), functions.lit(false))));
            List<Double> filter = new ArrayList<>();
            List<Double> bytes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long s = System.nanoTime();
                Dataset<Row> todo = inputs.as("i").join(lake.doneKeys("masks", KEYS, done).as("d"), on(), "left_anti");
                assertEquals(5_000, todo.count(), "the inputs past the table's last key are to do");
                filter.add((System.nanoTime() - s) / 1e9);
                s = System.nanoTime();
                lake.read("masks").selectExpr("sum(length(mask_png) + length(confidence_png))").first();
                bytes.add((System.nanoTime() - s) / 1e9);
            }
            System.out.printf("BENCH rows=%d load=%.1fs done-keys anti-join of 10000 inputs: %s s; reading the mask "
                    + "bytes: %s s%n", rows, load, filter, bytes);
        } finally {
            spark.stop();
        }
    }

    private static Dataset<Row> table(SparkSession spark, long rows) {
        return keyed(spark.range(rows)).selectExpr(KEYS.toArray(String[]::new))
                .withColumn("status", functions.lit("ok"))
                .withColumn("retryable", functions.lit(null).cast(DataTypes.BooleanType))
                .withColumn("mask_png", functions.expr("CAST(randstr(768) AS BINARY)"))
                .withColumn("confidence_png", functions.expr("CAST(randstr(256) AS BINARY)"))
                .withColumn("processed_at", functions.expr("TIMESTAMP '2026-03-01 00:00:00' + make_interval(0, 0, 0, "
                        + "CAST(abs(hash(key)) % 7 AS INT))"));
    }

    private static Dataset<Row> keyed(Dataset<Long> ids) {
        return ids.selectExpr("format_string('shard-%05d/img-%09d', id % 997, id) AS key", "'v1' AS vocabulary_sha256",
                "'s1' AS settings_hash", "concat('fp-', id) AS source_fingerprint");
    }

    private static Column on() {
        Column c = null;
        for (String k : KEYS) {
            Column eq = functions.col("i." + k).eqNullSafe(functions.col("d." + k));
            c = c == null ? eq : c.and(eq);
        }
        return c;
    }
}
