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
            assertEquals("serializable", masks.properties().get("write.merge.isolation-level"));
            assertEquals(2, ((org.apache.iceberg.HasTableOperations) masks).operations().current().formatVersion());

            WaveCommit first = lake.mergeWave("masks", LakeTestSupport.masks(spark, MASKS, "run-a", 0, 6), KEYS,
                    "run-a", 0);
            assertEquals(6, first.rowsAdded());
            assertTrue(first.snapshotId().isPresent());
            String plan = spark.sql("EXPLAIN " + WaveMerge.mergeSql(lake.target().qualified("masks"), KEYS,
                    "(SELECT * FROM " + lake.target().qualified("masks") + ")", null)).first().getString(0);
            assertTrue(plan.contains("ReplaceData") && !plan.contains("AppendData"),
                    "a copy-on-write MERGE, validated at commit, not the unchecked append Spark makes of an "
                            + "insert-only MERGE: " + plan);
            Path staged = Path.of(java.net.URI.create(masks.location())).resolve("clearclip-staging/run-a");
            assertTrue(Files.isDirectory(staged) && !Files.exists(staged.resolve("wave=0")),
                    "the wave was staged there and its rows deleted after the commit");

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

    @Test
    void aRedoneErrorRowIsReplacedButAnOkRowNeverIs() {
        try (IcebergTables lake = IcebergTables.open(spark, Target.warehouse(warehouse("wh-redo"), "clearclip", true))) {
            lake.ensureTable("masks", MASKS, TableLayout.byDayAndKey("processed_at", "key", 4));
            String redo = "t.status <> 'ok'";
            Dataset<Row> errors = LakeTestSupport.masks(spark, MASKS, "run-a", 0, 4)
                    .withColumn("status", org.apache.spark.sql.functions.lit("error"));
            lake.mergeWave("masks", errors, KEYS, redo, "run-a", 0);
            lake.mergeWave("masks", LakeTestSupport.masks(spark, MASKS, "run-b", 0, 4), KEYS, redo, "run-b", 0);
            Dataset<Row> now = lake.read("masks");
            assertEquals(4, now.count(), "one row per key");
            assertEquals(4, now.where("status = 'ok' AND run_id = 'run-b'").count(), "the redone rows replaced them");
            long snapshots = spark.sql("SELECT * FROM " + lake.target().qualified("masks") + ".snapshots").count();
            lake.mergeWave("masks", errors.withColumn("run_id", org.apache.spark.sql.functions.lit("run-c")), KEYS,
                    redo, "run-c", 0);
            assertEquals(4, lake.read("masks").where("status = 'ok'").count(), "an error never replaces an ok row");
            assertEquals(snapshots, spark.sql("SELECT * FROM " + lake.target().qualified("masks") + ".snapshots")
                    .count(), "and nothing is committed for it");
        }
    }

    @Test
    void doneKeysIsAProjectedScanOfTheKeyAndConditionColumns() {
        try (IcebergTables lake = IcebergTables.open(spark, Target.warehouse(warehouse("wh-keys"), "clearclip", true))) {
            lake.ensureTable("masks", MASKS, TableLayout.byDayAndKey("processed_at", "key", 4));
            lake.mergeWave("masks", LakeTestSupport.masks(spark, MASKS, "run-k", 0, 5), KEYS, "run-k", 0);

            Dataset<Row> keys = lake.doneKeys("masks", KEYS);
            assertEquals(Set.copyOf(KEYS), scanColumns(keys), "only the key columns are read");
            assertEquals(5, keys.count());

            Dataset<Row> done = lake.doneKeys("masks", KEYS, functions.col("status").equalTo("ok")
                    .or(functions.not(functions.coalesce(functions.col("retryable"), functions.lit(false)))));
            Set<String> read = scanColumns(done);
            assertFalse(read.contains("mask_png") || read.contains("confidence_png") || read.contains("classes"),
                    "no mask bytes read: " + read);
            Set<String> expected = new HashSet<>(KEYS);
            expected.addAll(List.of("status", "retryable"));
            assertEquals(expected, read);
            assertEquals(List.of(KEYS.toArray()), List.of(done.columns()));
            assertEquals(5, done.count());
        }
    }

    /** The columns the table scans under {@code ds} read (Spark's pruned read schema of each leaf). */
    private static Set<String> scanColumns(Dataset<Row> ds) {
        Set<String> columns = new HashSet<>();
        for (LogicalPlan leaf : scala.jdk.javaapi.CollectionConverters.asJava(
                ds.queryExecution().optimizedPlan().collectLeaves())) {
            assertTrue(leaf.toString().contains("masks"), "an Iceberg scan of masks: " + leaf);
            scala.jdk.javaapi.CollectionConverters.asJava(leaf.output()).forEach(a -> columns.add(a.name()));
        }
        return columns;
    }

    @Test
    void racingWavesOnAnAtomicCatalogNeverDuplicateAKeyAndTheLoserRetries() throws Exception {
        String prefix = "spark.sql.catalog.lakejdbc";
        spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
        spark.conf().set(prefix + ".type", "jdbc");
        spark.conf().set(prefix + ".uri", "jdbc:sqlite:" + dir.resolve("catalog.db"));
        spark.conf().set(prefix + ".warehouse", warehouse("wh-jdbc"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (IcebergTables lake = IcebergTables.open(spark, Target.catalog("lakejdbc", "clearclip", false))) {
            lake.ensureTable("masks", MASKS, TableLayout.byDayAndKey("processed_at", "key", 4));
            int retried = 0;
            long expected = 0;
            // a race needs both MERGEs to scan before either commits: nearly always so when they start together
            for (int round = 0; round < 4 && retried == 0; round++) {
                int base = round * 100;
                int wave = round;
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<WaveCommit>> runs = new ArrayList<>();
                for (String run : List.of("run-x", "run-y")) {
                    int from = run.equals("run-x") ? base : base + 20;
                    Dataset<Row> rows = LakeTestSupport.masks(spark, MASKS, run, from, from + 40);
                    runs.add(pool.submit(() -> {
                        together.await();
                        return lake.mergeWave("masks", rows, KEYS, run, wave);
                    }));
                }
                WaveCommit x = runs.get(0).get();
                WaveCommit y = runs.get(1).get();
                assertEquals(60, x.rowsAdded() + y.rowsAdded(), x + " " + y);
                retried += (x.attempts() > 1 ? 1 : 0) + (y.attempts() > 1 ? 1 : 0);
                expected += 60;
                Dataset<Row> all = lake.read("masks");
                assertEquals(expected, all.count(), "no key twice after round " + round);
                assertEquals(expected, all.select("key").distinct().count());
            }
            assertTrue(retried > 0, "in 4 rounds of two racing waves, a MERGE lost a race and was retried");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void appendsCarryTheRunAndCompactionRewritesExpiresAndRemovesOrphans() throws Exception {
        org.apache.spark.sql.types.StructType stats = new org.apache.spark.sql.types.StructType()
                .add("run_id", DataTypes.StringType, false).add("class_id", DataTypes.IntegerType, false)
                .add("pixels", DataTypes.LongType, false);
        try (IcebergTables lake = IcebergTables.open(spark, Target.warehouse(warehouse("wh-stats"), "clearclip", true))) {
            Table table = lake.ensureTable("class_stats", stats, TableLayout.plain());
            for (int wave = 0; wave < 3; wave++) {
                List<Row> rows = List.of(org.apache.spark.sql.RowFactory.create("run-c", wave, 10L * wave),
                        org.apache.spark.sql.RowFactory.create("run-c", wave + 10, 5L));
                lake.append("class_stats", spark.createDataFrame(rows, stats).coalesce(1), "run-c", wave);
            }
            table.refresh();
            List<String> waves = new ArrayList<>();
            for (Snapshot s : table.snapshots()) {
                assertEquals("run-c", s.summary().get(IcebergTables.RUN_ID));
                waves.add(s.summary().get(IcebergTables.WAVE));
            }
            assertEquals(List.of("0", "1", "2"), waves);

            Path location = Path.of(java.net.URI.create(table.location()));
            Path oldOrphan = plant(location.resolve("data/killed-run.parquet"), Duration.ofDays(2));
            Path oldStaging = plant(location.resolve("clearclip-staging/dead-run/wave=0/part-0.parquet"),
                    Duration.ofDays(2));
            Path young = plant(location.resolve("data/in-flight.parquet"), Duration.ofHours(1));

            CompactionResult result = lake.compact(new Compaction(List.of("class_stats"), Duration.ZERO, 1,
                    Duration.ofDays(1), 2, "compact-1"));
            assertEquals(List.of(new CompactionResult.TableResult("class_stats", 3, 1, 3, 3, 2)), result.tables());
            assertFalse(Files.exists(oldOrphan) || Files.exists(oldStaging), "old unreferenced files deleted");
            assertTrue(Files.exists(young), "a file younger than the orphan age may be a commit in flight");
            table.refresh();
            assertEquals("compact-1", table.currentSnapshot().summary().get(IcebergTables.RUN_ID));
            assertEquals(1, count(table.snapshots()));
            assertEquals(6, lake.read("class_stats").count(), "rewriting lost no row");
        }
    }

    private static Path plant(Path file, Duration age) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    @Test
    void aNewColumnIsAddedToAnExistingTableAndOldRowsReadItAsNull() {
        try (IcebergTables lake = IcebergTables.open(spark, Target.warehouse(warehouse("wh-evolve"), "clearclip", true))) {
            lake.ensureTable("masks", MASKS, TableLayout.byDayAndKey("processed_at", "key", 2));
            lake.mergeWave("masks", LakeTestSupport.masks(spark, MASKS, "run-1", 0, 2), KEYS, "run-1", 0);
            org.apache.spark.sql.types.StructType wider = MASKS.add("lake_test_extra",
                    DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true);
            Table t = lake.ensureTable("masks", wider, TableLayout.byDayAndKey("processed_at", "key", 2));
            assertTrue(t.schema().findField("lake_test_extra").isOptional());
            Dataset<Row> rows = LakeTestSupport.masks(spark, MASKS, "run-2", 1, 3)
                    .withColumn("lake_test_extra", functions.map(functions.lit("source"), functions.lit("shard-7")));
            assertEquals(1, lake.mergeWave("masks", rows, KEYS, "run-2", 0).rowsAdded());
            List<Row> read = lake.read("masks").orderBy("key").select("key", "lake_test_extra").collectAsList();
            assertEquals(3, read.size());
            assertTrue(read.get(0).isNullAt(1));
            assertEquals(Map.of("source", "shard-7"), read.get(2).getJavaMap(1));

            spark.sql("ALTER TABLE " + lake.target().qualified("masks")
                    + " SET TBLPROPERTIES ('write.merge.isolation-level'='snapshot')");
            IllegalStateException weak = assertThrows(IllegalStateException.class, () -> lake.mergeWave("masks",
                    LakeTestSupport.masks(spark, MASKS, "run-3", 5, 6), KEYS, "run-3", 0));
            assertTrue(weak.getMessage().contains("write.merge.isolation-level=snapshot"), weak.getMessage());
        }
    }

    @Test
    void anUnconfiguredCatalogOrAHadoopCatalogWithoutTheLeaseIsRefused() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> IcebergTables.open(spark, Target.catalog("nosuch", "clearclip", true)));
        assertTrue(missing.getMessage().contains("--catalog nosuch is not configured"), missing.getMessage());
        spark.conf().set("spark.sql.catalog.userhadoop", "org.apache.iceberg.spark.SparkCatalog");
        spark.conf().set("spark.sql.catalog.userhadoop.type", "hadoop");
        spark.conf().set("spark.sql.catalog.userhadoop.warehouse", warehouse("wh-user"));
        IllegalArgumentException unsafe = assertThrows(IllegalArgumentException.class,
                () -> IcebergTables.open(spark, Target.catalog("userhadoop", "clearclip", false)));
        assertTrue(unsafe.getMessage().contains("--no-lease"), unsafe.getMessage());
        IcebergTables.open(spark, Target.catalog("userhadoop", "clearclip", true)).close();
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
