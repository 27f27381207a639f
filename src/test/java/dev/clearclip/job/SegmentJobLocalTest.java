package dev.clearclip.job;

import dev.clearclip.pipeline.JvmEncoders;
import dev.clearclip.spark.TestImages;
import org.apache.parquet.example.data.Group;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The segment command end to end on local files: outputs, error rows, statistics, labels, provenance. */
class SegmentJobLocalTest {

    static SparkSession spark;
    @TempDir
    static Path dir;
    static Path corpus;

    @BeforeAll
    static void start() throws IOException {
        JvmEncoders.closeAll();
        spark = JobTestSupport.localSession("SegmentJobLocalTest");
        corpus = dir.resolve("corpus");
        for (Map.Entry<String, byte[]> f : TestImages.corpus().entrySet()) {
            Path p = corpus.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, f.getValue());
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
        JvmEncoders.closeAll();
    }

    @Test
    void everyInputOnceWithCorrectStatusesAndConsistentStatistics() throws IOException {
        Path out = dir.resolve("out1");
        JobTestSupport.Result r = JobTestSupport.segment("--input", corpus.toUri().toString(), "--recursive",
                "--output", out.toUri().toString(), "--model", JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224", "--stride", "112",
                "--classes", JobTestSupport.VOC + "," + JobTestSupport.SYNONYMS,
                "--max-pixels", "40000", "--run-id", "r1", "--batch-size", "3", "--export-labels", "--partitions", "4");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("run r1  succeeded"), r.out());
        try (var files = Files.walk(out.resolve("masks"))) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count(),
                    "4 segmenting tasks, one masks file: files are sized by bytes, not by tasks");
        }

        Dataset<Row> masks = spark.read().parquet(out.resolve("masks").toString());
        List<Row> rows = masks.collectAsList();
        assertEquals(8 * 2, rows.size(), "8 inputs x 2 vocabularies (notes.txt filtered out)");
        Map<String, Integer> perKey = new HashMap<>();
        for (Row row : rows) {
            perKey.merge(row.getAs("uri") + "|" + row.getAs("vocabulary"), 1, Integer::sum);
            String name = row.<String>getAs("uri").replaceFirst(".*/", "");
            boolean good = name.startsWith("good");
            assertEquals(good ? "ok" : "error", row.getAs("status"), name + ": " + row.getAs("error"));
            if (good) {
                assertNull(row.getAs("error"));
                JobTestSupport.assertMaskConsistent(row);
            } else {
                assertNull(row.getAs("mask_png"));
                assertTrue(row.<String>getAs("error").length() > 3, name);
            }
            assertEquals("r1", row.getAs("run_id"));
            assertTrue(row.<String>getAs("weights_sha256").matches("[0-9a-f]{64}"));
            assertTrue(row.<String>getAs("settings").contains("\"segmentation\""));
        }
        assertEquals(16, perKey.size());
        assertTrue(perKey.values().stream().allMatch(n -> n == 1));
        Row huge = masks.where(col("uri").endsWith("huge.png")).first();
        assertTrue(huge.<String>getAs("error").contains("too_many_pixels"), huge.<String>getAs("error"));
        assertEquals("nested/good_d", masks.where(col("uri").endsWith("good_d.png")).first().getAs("image_id"));

        // class_stats equals the sum over masks
        List<Row> stats = spark.read().parquet(out.resolve("class_stats").toString())
                .where(col("vocabulary").equalTo("cls_voc21")).orderBy("class_id").collectAsList();
        List<Row> expected = masks.where("status = 'ok' and vocabulary = 'cls_voc21'")
                .selectExpr("explode(classes) as c").groupBy("c.class_id")
                .agg(org.apache.spark.sql.functions.count("*").as("images"),
                        org.apache.spark.sql.functions.sum("c.pixels").as("pixels"))
                .orderBy("class_id").collectAsList();
        assertEquals(expected.size(), stats.size());
        long totalPixels = masks.where("status = 'ok' and vocabulary = 'cls_voc21'")
                .selectExpr("sum(cast(width as long) * height)").first().getLong(0);
        for (int i = 0; i < stats.size(); i++) {
            assertEquals(expected.get(i).<Long>getAs("images"), stats.get(i).<Long>getAs("images"));
            assertEquals(expected.get(i).<Long>getAs("pixels"), stats.get(i).<Long>getAs("pixels"));
            assertEquals(stats.get(i).<Long>getAs("pixels") / (double) totalPixels,
                    stats.get(i).<Double>getAs("pixel_fraction"), 1e-12);
        }

        Row run = JobTestSupport.lastRunRow(spark, out.resolve("runs").toString());
        assertEquals(8L, run.<Long>getAs("listed"));
        assertEquals(4L, run.<Long>getAs("succeeded"));
        assertEquals(4L, run.<Long>getAs("failed"));
        assertEquals(1L, run.<Long>getAs("model_loads"), "one encoder for the one local executor JVM");
        assertTrue(Files.readString(out.resolve("runs_json/r1.json")).contains("\"succeeded\" : 4"));

        Path labels = out.resolve("labels/cls_voc21");
        assertTrue(Files.exists(labels.resolve("SegmentationClass/nested/good_d.png")));
        assertEquals(List.of("good_a", "good_b", "good_c", "nested/good_d"),
                Files.readAllLines(labels.resolve("ImageSets/Segmentation/r1.txt")));

        List<Group> plain = JobTestSupport.readWithoutSpark(out.resolve("masks"));
        assertEquals(16, plain.size());
        assertTrue(plain.stream().anyMatch(g -> g.getString("status", 0).equals("error")));
    }

    @Test
    void rerunSkipsWhatIsDoneAndProcessesOnlyNewImages() throws IOException {
        Path in = dir.resolve("incremental");
        Files.createDirectories(in);
        Files.write(in.resolve("one.png"), TestImages.image(30, 20, "png"));
        Files.write(in.resolve("two.jpg"), TestImages.image(22, 33, "jpg"));
        Files.write(in.resolve("bad.png"), new byte[]{1, 2, 3});
        String out = dir.resolve("out-incremental").toUri().toString();
        String[] args = {"--input", in.toString(), "--output", out, "--model", JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224", "--stride", "112",
                "--classes", JobTestSupport.VOC};

        assertEquals(0, JobTestSupport.segment(args).exit());
        assertEquals(3, masks(out).count());
        JobTestSupport.Result again = JobTestSupport.segment(args);
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("skipped 3  processed 0"), again.out());
        assertEquals(3, masks(out).count(), "a second run writes nothing new");

        Files.write(in.resolve("three.png"), TestImages.image(16, 16, "png"));
        JobTestSupport.Result third = JobTestSupport.segment(args);
        assertTrue(third.out().contains("skipped 3  processed 1"), third.out());
        assertEquals(4, masks(out).count());
        assertEquals(1, masks(out).where(col("uri").endsWith("three.png")).count());

        JobTestSupport.Result fourth = JobTestSupport.segment("--input", in.toString(), "--output", out, "--model", JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224", "--stride", "112",
                "--classes", JobTestSupport.VOC + "," + JobTestSupport.SYNONYMS);
        assertTrue(fourth.out().contains("skipped 0  processed 4"), "new vocabulary: images redone " + fourth.out());
        assertEquals(4, masks(out).where(col("vocabulary").equalTo("cls_synonyms")).count());
        assertEquals(4, masks(out).where(col("vocabulary").equalTo("cls_voc21")).count(), "voc21 rows not duplicated");

        JobTestSupport.Result redo = JobTestSupport.segment(append(args, "--overwrite"));
        assertTrue(redo.out().contains("skipped 0  processed 4"), redo.out());
        assertEquals(4, masks(out).count(), "overwrite starts the tables afresh");
        assertEquals(1, spark.read().parquet(out + "/runs").select("run_id").distinct().count());
    }

    @Test
    void errorRateOverTheLimitFailsTheRunAfterWritingEverything() {
        String out = dir.resolve("out-error-rate").toUri().toString();
        JobTestSupport.Result r = JobTestSupport.segment("--input", corpus.toString(), "--output", out,
                "--model", JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224", "--stride", "112", "--classes", JobTestSupport.VOC, "--max-error-rate", "0.25",
                "--run-id", "strict");
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.err().contains("over --max-error-rate 0.25"), r.err());
        Row run = JobTestSupport.lastRunRow(spark, out + "/runs");
        assertEquals("failed_error_rate", run.getAs("status"));
        assertEquals(run.<Long>getAs("processed"), masks(out).count());
    }

    @Test
    void offlineReachesSegmentAndAModelNotInTheCacheIsRefused() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = dev.clearclip.cli.Main.run(new String[] {"--offline", "segment", "--input", corpus.toString(),
                "--output", dir.resolve("never-offline").toUri().toString(), "--model", "nobody/no-such-clip-model",
                "--classes", JobTestSupport.VOC}, System.out, new java.io.PrintStream(err, true));
        assertEquals(2, exit, err.toString());
        assertTrue(err.toString().contains("offline"), err.toString());
    }

    @Test
    void theCallersJobGroupAndSessionSettingsAreRestored() throws IOException {
        String key = "spark.sql.optimizer.canChangeCachedPlanOutputPartitioning";
        spark.conf().set(key, "false");
        spark.sparkContext().setJobGroup("callers-group", "the caller's work", false);
        Path one = dir.resolve("one");
        Files.createDirectories(one);
        Files.copy(corpus.resolve("good_a.png"), one.resolve("good_a.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        JobTestSupport.Result r = JobTestSupport.segment("--input", one.toString(), "--output",
                dir.resolve("hygiene").toUri().toString(), "--model", JobTestSupport.MODEL, "--classes",
                JobTestSupport.VOC, "--crop", "224", "--stride", "224", "--resize-short", "224", "--export-labels");
        assertEquals(0, r.exit(), r.err());
        try (var files = Files.walk(dir.resolve("hygiene/labels"))) {
            assertEquals(List.of(), files.map(Path::toString).filter(f -> f.endsWith(".crc")).toList(),
                    "label exports without .crc side files");
        }
        assertEquals("callers-group", spark.sparkContext().getLocalProperty("spark.jobGroup.id"));
        assertEquals("the caller's work", spark.sparkContext().getLocalProperty("spark.job.description"));
        assertEquals("false", spark.conf().get(key));
        assertFalse(spark.conf().contains("spark.sql.adaptive.coalescePartitions.parallelismFirst")
                && spark.conf().get("spark.sql.adaptive.coalescePartitions.parallelismFirst").equals("false"),
                "the file-size settings are the run's own");
        assertTrue(r.out().endsWith("\n"), "the summary ends its last line");
        spark.sparkContext().clearJobGroup();
        spark.conf().unset(key);
    }

    @Test
    void badSettingsExitWithStatus2NamingTheSetting() {
        String out = dir.resolve("never").toUri().toString();
        String[][] cases = {
                {"--max-error-rate", "1.5", "--input", corpus.toString()},
                {"--batch-size", "0", "--input", corpus.toString()},
                {"--device", "tpu", "--input", corpus.toString()},
                {"--input", dir.resolve("missing").toString()},
                {"--run-id", "bad id!", "--input", corpus.toString()},
                {"--manifest", "m.csv", "--input", corpus.toString()},
                {"--device", "gpu", "--input", corpus.toString()},
                {"--precision", "fp16", "--device", "cpu", "--input", corpus.toString()},
        };
        String[] named = {"--max-error-rate", "--batch-size", "--device", "--input", "--run-id", "--manifest",
                "--device gpu", "--precision fp16"};
        for (int i = 0; i < cases.length; i++) {
            JobTestSupport.Result r = JobTestSupport.segment(append(cases[i], "--output", out, "--model",
                    JobTestSupport.MODEL, "--classes", JobTestSupport.VOC));
            assertEquals(2, r.exit(), String.join(" ", cases[i]));
            assertTrue(r.err().contains(named[i]) && r.err().strip().lines().count() == 1, r.err());
        }
        assertEquals(2, JobTestSupport.segment("--input", corpus.toString(), "--output", out, "--model", "t").exit());
        JobTestSupport.Result model = JobTestSupport.segment("--input", corpus.toString(), "--output", out,
                "--model", dir.resolve("no-such-model").toString(), "--classes", JobTestSupport.VOC);
        assertEquals(2, model.exit(), model.err());
        JobTestSupport.Result crop = JobTestSupport.segment("--input", corpus.toString(), "--output", out,
                "--model", JobTestSupport.MODEL, "--classes", JobTestSupport.VOC, "--crop", "100", "--stride", "50");
        assertEquals(2, crop.exit(), crop.err());
        assertTrue(crop.err().contains("crop 100"), crop.err());
        assertTrue(Files.notExists(dir.resolve("never")), "nothing written");
    }

    @Test
    void manifestRowsAreSegmentedAndAMissingFileBecomesAnErrorRow() throws IOException {
        Path manifest = dir.resolve("manifest.csv");
        Files.writeString(manifest, "uri,image_id\n"
                + corpus.resolve("good_a.png").toUri() + ",first\n"
                + corpus.resolve("nested/good_d.png").toUri() + ",\n"
                + corpus.resolve("gone.png").toUri() + ",missing\n"
                + corpus.resolve("good_a.png").toUri() + ",first\n");
        String out = dir.resolve("out-manifest").toUri().toString();
        JobTestSupport.Result r = JobTestSupport.segment("--manifest", manifest.toString(), "--output", out,
                "--model", JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224", "--stride", "112",
                "--classes", JobTestSupport.VOC, "--confidence", "--rle");
        assertEquals(0, r.exit(), r.err());
        Map<String, Row> byId = new HashMap<>();
        for (Row row : masks(out).collectAsList()) {
            byId.put(row.getAs("image_id"), row);
        }
        assertEquals(3, byId.size(), "duplicate manifest rows count once: " + byId.keySet());
        Row first = byId.get("first");
        assertEquals("ok", first.getAs("status"));
        assertTrue(first.<byte[]>getAs("confidence_png").length > 0, "--confidence writes the confidence map");
        assertEquals(first.getList(first.fieldIndex("classes")).size(), first.getList(first.fieldIndex("mask_rle")).size(),
                "--rle: one RLE per present class");
        assertTrue(byId.keySet().stream().anyMatch(id -> id.endsWith("nested/good_d")), byId.keySet().toString());
        assertEquals("error", byId.get("missing").getAs("status"));
        assertTrue(byId.get("missing").<String>getAs("error").contains("cannot read"), byId.get("missing").toString());
    }

    private static Dataset<Row> masks(String out) {
        return spark.read().parquet(out + "/masks");
    }

    private static String[] append(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
