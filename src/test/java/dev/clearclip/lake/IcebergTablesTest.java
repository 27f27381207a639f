package dev.clearclip.lake;

import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static dev.clearclip.lake.LakeTestSupport.KEYS;
import static dev.clearclip.lake.LakeTestSupport.MASKS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lake tables on the local file system: a Hadoop-catalog warehouse, and a JDBC catalog on SQLite. */
class IcebergTablesTest {

    static SparkSession spark;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = LakeTestSupport.session("IcebergTablesTest");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static String warehouse(String name) {
        return dir.resolve(name).toUri().toString();
    }

    @Test
    void aWaveIsOneCommitAndAReplayOrOverlapAddsNoSecondRow() throws Exception {
        String wh = warehouse("wh-merge");
        try (IcebergTables lake = IcebergTables.open(spark, Target.warehouse(wh, "clearclip", true))) {
            Table masks = lake.ensureTable("masks", MASKS, TableLayout.byDayAndKey("processed_at", "key", 4));
            assertEquals("[processed_at_day: day, key_bucket: bucket[4]]", specText(masks));
            assertEquals("key", masks.schema().findColumnName(masks.sortOrder().fields().get(0).sourceId()));
            assertEquals("copy-on-write", masks.properties().get("write.merge.mode"));
            assertEquals(2, ((org.apache.iceberg.HasTableOperations) masks).operations().current().formatVersion());

            WaveCommit first = lake.mergeWave("masks", LakeTestSupport.masks(spark, MASKS, "run-a", 0, 6), KEYS,
                    "run-a", 0);
            assertEquals(6, first.rowsAdded());
            assertTrue(first.snapshotId().isPresent());
            String plan = spark.sql("EXPLAIN " + WaveMerge.mergeSql(lake.target().qualified("masks"), KEYS,
                    "(SELECT * FROM " + lake.target().qualified("masks") + ")")).first().getString(0);
            assertTrue(plan.contains("ReplaceData") && !plan.contains("AppendData"),
                    "a copy-on-write MERGE, validated at commit, not the unchecked append Spark makes of an "
                            + "insert-only MERGE: " + plan);
            assertFalse(Files.exists(Path.of(java.net.URI.create(masks.location()))
                    .resolve("_clearclip_staging/run-a/wave=0")), "staged rows deleted after the commit");

            masks.refresh();
            int snapshots = count(masks.snapshots());
            assertEquals(1, snapshots);
            WaveCommit replay = lake.mergeWave("masks", LakeTestSupport.masks(spark, MASKS, "run-a", 0, 6), KEYS,
                    "run-a", 0);
            assertEquals(0, replay.rowsAdded());
            assertTrue(replay.snapshotId().isEmpty());
            masks.refresh();
            assertEquals(snapshots, count(masks.snapshots()), "a replayed wave commits nothing");

            WaveCommit overlap = lake.mergeWave("masks", LakeTestSupport.masks(spark, MASKS, "run-b", 4, 9), KEYS,
                    "run-b", 3);
            assertEquals(3, overlap.rowsAdded(), "keys 6, 7, 8 are new; 4 and 5 stay run-a's");

            List<Record> rows = LakeTestSupport.readWithIceberg(spark.sparkContext().hadoopConfiguration(), wh,
                    "clearclip", "masks", "key", "run_id", "mask_png");
            assertEquals(9, rows.size());
            assertEquals(9, rows.stream().map(r -> r.getField("key")).distinct().count(), "one row per key");
            for (Record r : rows) {
                int i = Integer.parseInt(((String) r.getField("key")).substring(4));
                assertEquals(i < 6 ? "run-a" : "run-b", r.getField("run_id"));
                assertEquals("png:img-" + i, java.nio.charset.StandardCharsets.UTF_8
                        .decode((java.nio.ByteBuffer) r.getField("mask_png")).toString());
            }

            List<Row> summaries = spark.sql("SELECT summary FROM " + lake.target().qualified("masks")
                    + ".snapshots ORDER BY committed_at").collectAsList();
            assertEquals(2, summaries.size());
            assertEquals(Map.of("run-a", "0"), props(summaries.get(0)));
            assertEquals(Map.of("run-b", "3"), props(summaries.get(1)));
            assertTrue(spark.conf().contains("spark.sql.catalog." + lake.target().catalogName()));
        }
        assertFalse(spark.conf().contains("spark.sql.catalog." + Target.warehouse(wh, "clearclip", true)
                .catalogName()), "close() takes back the catalog settings open() made");
    }

    private static String specText(Table t) {
        return t.spec().fields().stream().map(f -> f.name() + ": " + f.transform())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static Map<String, String> props(Row summaryRow) {
        Map<String, String> summary = summaryRow.getJavaMap(0);
        return Map.of(summary.get(IcebergTables.RUN_ID), summary.get(IcebergTables.WAVE));
    }

    private static int count(Iterable<?> items) {
        int n = 0;
        for (Object ignored : items) {
            n++;
        }
        return n;
    }
}
