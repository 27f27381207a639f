package dev.clearclip.job;

import dev.clearclip.pipeline.JvmEncoders;
import dev.clearclip.spark.TestImages;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** segment over image-bytes tables written with Spark: img2dataset's layout and Hugging Face's Image feature. */
class TableInputTest {

    static SparkSession spark;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        JvmEncoders.closeAll();
        spark = JobTestSupport.localSession("TableInputTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
        JvmEncoders.closeAll();
    }

    static String[] args(String table, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("--input-table", table, "--output", out.toUri().toString(),
                "--model", JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224", "--stride", "112",
                "--classes", JobTestSupport.VOC, "--batch-size", "2"));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    static Map<String, String> statusByKey(Path out) {
        Map<String, String> status = new HashMap<>();
        for (Row r : spark.read().parquet(out.resolve("masks").toString()).collectAsList()) {
            assertTrue(status.put(r.getAs("key"), r.getAs("status")) == null, "one row per key: " + r.getAs("key"));
        }
        return status;
    }

    @Test
    void img2datasetTableEveryRowOnceWithCarriedColumnsAndARerunWritesNothing() throws IOException {
        StructType schema = new StructType().add("key", DataTypes.StringType).add("jpg", DataTypes.BinaryType)
                .add("url", DataTypes.StringType).add("caption", DataTypes.StringType)
                .add("width", DataTypes.IntegerType);
        List<Row> rows = List.of(
                RowFactory.create("000000000", TestImages.image(40, 30, "jpg"), "http://x/0.jpg", "zero", 40),
                RowFactory.create("000000001", TestImages.image(30, 40, "png"), "http://x/1.png", "a png", 30),
                RowFactory.create("000000002", "not an image".getBytes(StandardCharsets.UTF_8), "http://x/2", "bad", 0),
                RowFactory.create("000000003", null, "http://x/3", "failed download", null));
        String table = dir.resolve("img2dataset").toString();
        spark.createDataFrame(rows, schema).repartition(2).write().parquet(table);
        Path out = dir.resolve("out");
        JobTestSupport.Result r = JobTestSupport.segment(args(table, out, "--carry-columns", "url,caption",
                "--run-id", "t1"));
        assertEquals(0, r.exit(), r.err());
        assertEquals(Map.of("000000000", "ok", "000000001", "ok", "000000002", "error", "000000003", "error"),
                statusByKey(out));
        Dataset<Row> masks = spark.read().parquet(out.resolve("masks").toString());
        for (Row m : masks.collectAsList()) {
            assertEquals(table + "#" + m.getAs("key"), m.getAs("uri"));
            assertEquals(table, m.getAs("source"));
            Map<String, String> meta = m.getJavaMap(m.fieldIndex("metadata"));
            assertTrue(meta.get("url").startsWith("http://x/"), "carried on every row, errors too: " + meta);
            assertTrue(meta.containsKey("caption"));
        }
        assertTrue(masks.where(col("key").equalTo("000000003")).first().<String>getAs("error")
                .contains("no image bytes"));
        JobTestSupport.assertMaskConsistent(masks.where(col("key").equalTo("000000001")).first());

        JobTestSupport.Result again = JobTestSupport.segment(args(table, out, "--carry-columns", "url,caption",
                "--run-id", "t2"));
        assertEquals(0, again.exit(), again.err());
        assertEquals(4, spark.read().parquet(out.resolve("masks").toString()).count(), "rerun wrote nothing");
    }

    @Test
    void eachWaveReadsOnlyItsOwnTableFilesAndANewFileIsTheOnlyOneReadOnRerun() throws IOException {
        StructType schema = new StructType().add("key", DataTypes.StringType).add("jpg", DataTypes.BinaryType);
        String table = dir.resolve("files").toString();
        for (int f = 0; f < 4; f++) {
            writeFile(schema, table, f);
        }
        Path out = dir.resolve("files-out");
        WaveReads reads = new WaveReads();
        spark.sparkContext().addSparkListener(reads);
        try {
            // 2 rows per file and 2 per wave: 4 waves, each of one file
            JobTestSupport.Result r = JobTestSupport.segment(args(table, out, "--commit-every", "2"));
            assertEquals(0, r.exit(), r.err());
            assertEquals(8, statusByKey(out).size());
            assertEquals(4, spark.read().parquet(out.resolve("runs").toString())
                    .selectExpr("max(waves_total)").first().getInt(0));
            assertEquals(8, reads.total(), "the waves read every row once, not every file once per wave");

            writeFile(schema, table, 4);
            reads.reset();
            JobTestSupport.Result again = JobTestSupport.segment(args(table, out, "--commit-every", "2"));
            assertEquals(0, again.exit(), again.err());
            assertEquals(10, statusByKey(out).size());
            // the wave's job also reads masks (8 rows) for the done keys; all five files would make it 18
            assertEquals(2 + 8, reads.total(), "the rerun's wave reads the new file only");
        } finally {
            spark.sparkContext().removeSparkListener(reads);
        }
    }

    private static void writeFile(StructType schema, String table, int f) throws IOException {
        List<Row> rows = List.of(RowFactory.create("f" + f + "-0", TestImages.image(32, 24, "jpg")),
                RowFactory.create("f" + f + "-1", TestImages.image(24, 32, "png")));
        spark.createDataFrame(rows, schema).coalesce(1).write().mode("append").parquet(table);
    }

    /** Input records read by the tasks of the segment waves' jobs. */
    private static final class WaveReads extends SparkListener {
        private final Set<Integer> waveStages = ConcurrentHashMap.newKeySet();
        private final AtomicLong records = new AtomicLong();

        @Override
        public void onJobStart(SparkListenerJobStart job) {
            String description = job.properties() == null ? null : job.properties().getProperty("spark.job.description");
            if (description != null && description.startsWith("clearclip: segment wave")) {
                job.stageIds().foreach(id -> waveStages.add((Integer) id));
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd task) {
            if (waveStages.contains(task.stageId()) && task.taskMetrics() != null) {
                records.addAndGet(task.taskMetrics().inputMetrics().recordsRead());
            }
        }

        long total() {
            // listener events arrive on Spark's bus thread: wait until those of the finished run are delivered
            try {
                spark.sparkContext().listenerBus().waitUntilEmpty(30_000);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("Spark's listener bus did not drain in 30 s", e);
            }
            return records.get();
        }

        void reset() {
            total();
            records.set(0);
        }
    }

    @Test
    void huggingFaceImageStructsUsePathsAsKeysOrFileAndRowWhenPathsAreNotUnique() throws IOException {
        StructType image = new StructType().add("bytes", DataTypes.BinaryType).add("path", DataTypes.StringType);
        StructType schema = new StructType().add("image", image).add("label", DataTypes.IntegerType);
        List<Row> withPaths = List.of(
                RowFactory.create(RowFactory.create(TestImages.image(32, 32, "png"), "cats/1.png"), 1),
                RowFactory.create(RowFactory.create(TestImages.image(24, 32, "jpg"), "dogs/1.jpg"), 2));
        String hf = dir.resolve("hf").toString();
        spark.createDataFrame(withPaths, schema).coalesce(1).write().parquet(hf);
        Path out = dir.resolve("hf-out");
        assertEquals(0, JobTestSupport.segment(args(hf, out, "--carry-columns", "label")).exit());
        assertEquals(Map.of("cats/1.png", "ok", "dogs/1.jpg", "ok"), statusByKey(out));

        List<Row> noPaths = List.of(
                RowFactory.create(RowFactory.create(TestImages.image(32, 32, "png"), null), 1),
                RowFactory.create(RowFactory.create(TestImages.image(24, 32, "png"), null), 2));
        String anonymous = dir.resolve("hf-anonymous").toString();
        spark.createDataFrame(noPaths, schema).coalesce(1).write().parquet(anonymous);
        Path out2 = dir.resolve("hf-out2");
        assertEquals(0, JobTestSupport.segment(args(anonymous, out2)).exit());
        Map<String, String> keys = statusByKey(out2);
        assertEquals(2, keys.size());
        assertTrue(keys.keySet().stream().allMatch(k -> k.matches("part-.*\\.parquet:[01]")), keys.toString());
    }

    @Test
    void namedColumnsAreCheckedOnTheDriver() throws IOException {
        StructType schema = new StructType().add("id", DataTypes.LongType).add("pixels", DataTypes.BinaryType)
                .add("note", DataTypes.StringType);
        String table = dir.resolve("custom").toString();
        spark.createDataFrame(List.of(RowFactory.create(7L, TestImages.image(20, 20, "png"), "n")), schema)
                .write().parquet(table);
        JobTestSupport.Result none = JobTestSupport.segment(args(table, dir.resolve("c0")));
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("--image-column") && none.err().contains("pixels"), none.err());
        JobTestSupport.Result wrongType = JobTestSupport.segment(args(table, dir.resolve("c1"), "--image-column",
                "note"));
        assertEquals(2, wrongType.exit());
        assertTrue(wrongType.err().contains("not binary"), wrongType.err());
        Path out = dir.resolve("c2");
        JobTestSupport.Result ok = JobTestSupport.segment(args(table, out, "--image-column", "pixels",
                "--key-column", "id"));
        assertEquals(0, ok.exit(), ok.err());
        assertEquals(Map.of("7", "ok"), statusByKey(out));
        assertEquals(2, JobTestSupport.segment("--input", table, "--image-column", "pixels", "--output",
                dir.resolve("c3").toString(), "--model", JobTestSupport.MODEL, "--classes", JobTestSupport.VOC)
                .exit(), "--image-column without --input-table is refused");
        assertEquals(new HashSet<>(List.of("7")), new HashSet<>(statusByKey(out).keySet()));
    }
}
