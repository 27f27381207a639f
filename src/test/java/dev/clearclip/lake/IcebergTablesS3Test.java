package dev.clearclip.lake;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.List;

import static dev.clearclip.lake.LakeTestSupport.KEYS;
import static dev.clearclip.lake.LakeTestSupport.MASKS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Hadoop-catalog warehouse on a real S3 server (s3proxy on 127.0.0.1), written under the lease. */
class IcebergTablesS3Test {

    static SparkSession spark;
    static dev.clearclip.job.S3ProxyServer s3;
    @TempDir
    static java.nio.file.Path dir;

    @BeforeAll
    static void start() throws Exception {
        s3 = new dev.clearclip.job.S3ProxyServer(dir);
        s3.createBucket("lake");
        spark = LakeTestSupport.session("IcebergTablesS3Test");
        s3.configure(spark.sparkContext().hadoopConfiguration());
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void aWaveOnS3aIsCommittedOnceReadableByIcebergAloneAndMaintained() throws Exception {
        String wh = "s3a://lake/warehouse";
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        try (IcebergTables lake = IcebergTables.open(spark, Target.warehouse(wh, "clearclip", true))) {
            Table masks = lake.ensureTable("masks", MASKS, TableLayout.byDayAndKey("processed_at", "key", 4));
            assertTrue(masks.location().startsWith(wh + "/clearclip/masks"), masks.location());

            WaveCommit first = lake.mergeWave("masks", LakeTestSupport.masks(spark, MASKS, "run-s3", 0, 6), KEYS,
                    "run-s3", 0);
            assertEquals(6, first.rowsAdded());
            Path staged = new Path(masks.location() + "/clearclip-staging/run-s3/wave=0");
            assertFalse(staged.getFileSystem(conf).exists(staged), "staged rows deleted after the commit");

            WaveCommit replay = lake.mergeWave("masks", LakeTestSupport.masks(spark, MASKS, "run-s3", 0, 6), KEYS,
                    "run-s3", 0);
            assertEquals(0, replay.rowsAdded());
            assertTrue(replay.snapshotId().isEmpty(), "a replayed wave commits nothing");
            WaveCommit next = lake.mergeWave("masks", LakeTestSupport.masks(spark, MASKS, "run-s3", 6, 8), KEYS,
                    "run-s3", 1);
            assertEquals(2, next.rowsAdded());

            List<Row> snapshots = spark.sql("SELECT summary['" + IcebergTables.RUN_ID + "'], summary['"
                    + IcebergTables.WAVE + "'] FROM " + lake.target().qualified("masks")
                    + ".snapshots ORDER BY committed_at").collectAsList();
            assertEquals(List.of(Row.fromSeq(seq("run-s3", "0")), Row.fromSeq(seq("run-s3", "1"))), snapshots);

            List<Record> rows = LakeTestSupport.readWithIceberg(conf, wh, "clearclip", "masks", "key", "run_id");
            assertEquals(8, rows.size());
            assertEquals(8, rows.stream().map(r -> r.getField("key")).distinct().count());
            assertEquals(8, lake.doneKeys("masks", KEYS).count());

            CompactionResult kept = lake.compact(Compaction.defaults(List.of("masks"), "compact-s3"));
            assertEquals(0, kept.tables().get(0).orphanFilesDeleted(), "nothing here is three days old");
            assertEquals(0, kept.tables().get(0).expiredSnapshots());
            assertEquals(8, lake.read("masks").count());
        }
    }

    private static scala.collection.immutable.Seq<Object> seq(Object... values) {
        return scala.jdk.javaapi.CollectionConverters.asScala(List.of(values)).toList();
    }
}
