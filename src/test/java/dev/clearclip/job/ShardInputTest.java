package dev.clearclip.job;

import dev.clearclip.pipeline.JvmEncoders;
import dev.clearclip.shards.Tars;
import dev.clearclip.spark.TestImages;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** segment over WebDataset shards written in the test, on the local file system, in real Spark local mode. */
class ShardInputTest {

    static SparkSession spark;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        JvmEncoders.closeAll();
        spark = JobTestSupport.localSession("ShardInputTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
        JvmEncoders.closeAll();
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String[] args(String input, Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("--input", input, "--output", out.toUri().toString(),
                "--model", JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224", "--stride", "112",
                "--classes", JobTestSupport.VOC, "--batch-size", "2"));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    /** Four shards: good samples with metadata, a corrupt member, a sample without image; a tar.gz; a cut tar; a non-tar. */
    static Path corpus(Path shards) throws IOException {
        Files.createDirectories(shards);
        Map<String, byte[]> first = new LinkedHashMap<>();
        first.put("s0/000001.jpg", TestImages.image(40, 40, "jpg"));
        first.put("s0/000001.json", text("{\"caption\": \"one\"}"));
        first.put("s0/000001.txt", text("one"));
        first.put("000002.png", TestImages.image(64, 48, "png"));
        first.put("000003.jpg", text("not a jpeg"));            // corrupt member
        first.put("000004.json", text("{}"));                   // sample without an image
        first.put("000005.seg.png", TestImages.image(8, 8, "png"));
        first.put("000005.webp.bak", text("x"));                // no image member either: seg.png is not an image
        Files.write(shards.resolve("00000.tar"), Tars.tar(first));
        Map<String, byte[]> second = new LinkedHashMap<>();
        second.put("a.jpg", TestImages.image(30, 20, "jpg"));
        second.put("b.png", TestImages.image(20, 30, "png"));
        Files.write(shards.resolve("00001.tar.gz"), Tars.tarGz(second));
        Map<String, byte[]> third = new LinkedHashMap<>();
        third.put("c.png", TestImages.image(20, 20, "png"));
        third.put("d.png", TestImages.image(50, 50, "png"));
        third.put("e.png", TestImages.image(50, 50, "png"));
        byte[] full = Tars.tar(third);
        Files.write(shards.resolve("00002.tar"), Arrays.copyOf(full, (int) Tars.dataOffset(third, 1) + 100));
        Files.write(shards.resolve("00003.tar"), text("this file only has a tar name\n".repeat(40)));
        Files.write(shards.resolve("00000.parquet"), text("img2dataset's metadata beside a shard is not an input"));
        return shards;
    }

    @Test
    void everySampleOnceWithItsKeyAndStatusAndARerunWritesNothing() throws IOException {
        Path shards = corpus(dir.resolve("corpus"));
        Path out = dir.resolve("out");
        String[] run = args(shards.toString(), out, "--keep-metadata", "json,txt", "--run-id", "r1");
        JobTestSupport.Result r = JobTestSupport.segment(run);
        assertEquals(0, r.exit(), r.err() + r.out());

        Dataset<Row> masks = spark.read().parquet(out.resolve("masks").toString());
        List<Row> rows = masks.collectAsList();
        String base = shards.toUri().toString().replaceFirst("/$", "").replaceFirst("^file:/+", "file:/");
        Map<String, String> status = new HashMap<>();
        Set<String> ids = new HashSet<>();
        for (Row row : rows) {
            String uri = row.getAs("uri");
            assertTrue(status.put(uri, row.getAs("status")) == null, "one row per sample: " + uri);
            assertTrue(ids.add(row.getAs("image_id")), "image ids unique: " + row.getAs("image_id"));
            String key = row.getAs("key");
            String source = row.getAs("source");
            assertEquals(key == null ? source : source + "#" + key, uri);
        }
        Map<String, String> expected = new HashMap<>();
        expected.put(base + "/00000.tar#s0/000001", "ok");
        expected.put(base + "/00000.tar#000002", "ok");
        expected.put(base + "/00000.tar#000003", "error");
        expected.put(base + "/00000.tar#000004", "error");
        expected.put(base + "/00000.tar#000005", "error");
        expected.put(base + "/00001.tar.gz#a", "ok");
        expected.put(base + "/00001.tar.gz#b", "ok");
        expected.put(base + "/00002.tar#c", "ok");
        expected.put(base + "/00002.tar#d", "error");
        expected.put(base + "/00003.tar", "error");
        assertEquals(expected, status);

        Row one = masks.where(col("key").equalTo("s0/000001")).first();
        assertEquals("00000/s0/000001", one.getAs("image_id"));
        assertEquals(Map.of("json", "{\"caption\": \"one\"}", "txt", "one"), one.getJavaMap(one.fieldIndex("metadata")));
        JobTestSupport.assertMaskConsistent(one);
        String cut = masks.where(col("key").equalTo("d")).first().getAs("error");
        assertTrue(cut.contains("00002.tar") && cut.contains("byte "), cut);
        assertTrue(masks.where(col("key").equalTo("000004")).first().<String>getAs("error")
                .contains("no image member"));
        Row notTar = masks.where(col("uri").endsWith("00003.tar")).first();
        assertNull(notTar.getAs("key"));
        assertTrue(notTar.<String>getAs("error").contains("not a tar"), notTar.<String>getAs("error"));
        Row runRow = spark.read().parquet(out.resolve("runs").toString()).first();
        assertEquals(10L, runRow.<Long>getAs("processed"));
        assertEquals(5L, runRow.<Long>getAs("failed"));
        assertEquals(4L, spark.read().parquet(out.resolve("shards").toString()).count(), "a record per shard");

        JobTestSupport.Result again = JobTestSupport.segment(args(shards.toString(), out, "--keep-metadata",
                "json,txt", "--run-id", "r2"));
        assertEquals(0, again.exit(), again.err());
        assertEquals(rows.size(), spark.read().parquet(out.resolve("masks").toString()).count(), "rerun wrote nothing");
        Row second = spark.read().parquet(out.resolve("runs").toString()).where(col("run_id").equalTo("r2")).first();
        assertEquals(0L, second.<Long>getAs("processed"));
        assertEquals(10L, second.<Long>getAs("skipped"));

        Map<String, byte[]> added = new LinkedHashMap<>();
        added.put("f.jpg", TestImages.image(32, 32, "jpg"));
        added.put("g.jpg", TestImages.image(32, 32, "jpg"));
        Files.write(shards.resolve("00004.tar"), Tars.tar(added));
        JobTestSupport.Result third = JobTestSupport.segment(args(shards.toString(), out, "--run-id", "r3"));
        assertEquals(0, third.exit(), third.err());
        List<Row> r3 = spark.read().parquet(out.resolve("masks").toString()).where(col("run_id").equalTo("r3"))
                .collectAsList();
        assertEquals(Set.of("f", "g"), new HashSet<>(r3.stream().map(x -> x.<String>getAs("key")).toList()),
                "only the new shard's samples");
    }

    @Test
    void aShardRewrittenWithMoreSamplesIsReopenedAndAllItsSamplesAreRedone() throws IOException {
        Path shards = dir.resolve("grow");
        Files.createDirectories(shards);
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("a.jpg", TestImages.image(32, 32, "jpg"));
        Files.write(shards.resolve("00000.tar"), Tars.tar(m));
        Path out = dir.resolve("grow-out");
        assertEquals(0, JobTestSupport.segment(args(shards.resolve("00000.tar").toString(), out)).exit());
        m.put("b.jpg", TestImages.image(32, 32, "jpg"));
        Files.write(shards.resolve("00000.tar"), Tars.tar(m));
        Files.setLastModifiedTime(shards.resolve("00000.tar"), java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 5_000));
        JobTestSupport.Result r = JobTestSupport.segment(args(shards.resolve("00000.tar").toString(), out,
                "--run-id", "grown"));
        assertEquals(0, r.exit(), r.err());
        List<Row> rows = spark.read().parquet(out.resolve("masks").toString()).where(col("run_id").equalTo("grown"))
                .collectAsList();
        // the rerun key holds the shard's fingerprint: a rewritten shard may have new bytes under an old key
        assertEquals(Set.of("a", "b"), new HashSet<>(rows.stream().map(x -> x.<String>getAs("key")).toList()));
        assertEquals(0, JobTestSupport.segment(args(shards.resolve("00000.tar").toString(), out, "--run-id",
                "same")).exit());
        assertEquals(0, spark.read().parquet(out.resolve("masks").toString()).where(col("run_id").equalTo("same"))
                .count(), "an unchanged shard is not opened again");
    }

    @Test
    void numericRangesNameShardsAndAMissingOneIsRefusedByName() throws Exception {
        Path shards = dir.resolve("range");
        Files.createDirectories(shards);
        for (int i = 8; i <= 10; i++) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            m.put("k" + i + ".png", TestImages.image(16, 16, "png"));
            Files.write(shards.resolve(String.format("%05d.tar", i)), Tars.tar(m));
        }
        Path out = dir.resolve("range-out");
        List<Integer> tasks = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onStageSubmitted(org.apache.spark.scheduler.SparkListenerStageSubmitted stage) {
                String description = stage.properties().getProperty("spark.job.description", "");
                if (description.contains("shards, one per task")) {
                    tasks.add(stage.stageInfo().numTasks()); // the first is the segmenting stage, then the write's
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        JobTestSupport.Result r = JobTestSupport.segment(args(shards + "/{00008..00009}.tar", out));
        spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
        spark.sparkContext().removeSparkListener(listener);
        assertEquals(0, r.exit(), r.err());
        assertEquals(2, tasks.get(0), "the segmenting stage has one task per shard");
        assertEquals(Set.of("k8", "k9"), new HashSet<>(spark.read().parquet(out.resolve("masks").toString())
                .select("key").as(org.apache.spark.sql.Encoders.STRING()).collectAsList()));

        JobTestSupport.Result missing = JobTestSupport.segment(args(shards + "/{00008..00012}.tar",
                dir.resolve("range-out2")));
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("2 of 5 shards do not exist") && missing.err().contains("00011.tar"),
                missing.err());

        Path loose = Files.createDirectories(dir.resolve("loose"));
        Files.write(loose.resolve("x.png"), TestImages.image(16, 16, "png"));
        JobTestSupport.Result mixed = JobTestSupport.segment("--input", shards.resolve("00008.tar").toString(),
                loose.toString(), "--output", dir.resolve("mixed").toString(), "--model",
                JobTestSupport.MODEL, "--classes", JobTestSupport.VOC);
        assertEquals(2, mixed.exit());
        assertTrue(mixed.err().contains("separate runs"), mixed.err());
        JobTestSupport.Result keep = JobTestSupport.segment(args(loose.toString(), dir.resolve("keep"),
                "--keep-metadata", "json"));
        assertEquals(2, keep.exit());
        assertTrue(keep.err().contains("--keep-metadata"), keep.err());
    }
}
