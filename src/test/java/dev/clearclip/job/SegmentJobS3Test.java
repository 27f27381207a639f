package dev.clearclip.job;

import dev.clearclip.pipeline.JvmEncoders;
import dev.clearclip.spark.TestImages;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job against a real S3 server (s3proxy on 127.0.0.1): s3a in, s3a out through the magic committer. */
class SegmentJobS3Test {

    static SparkSession spark;
    static S3ProxyServer s3;
    @TempDir
    static java.nio.file.Path dir;

    @BeforeAll
    static void start() throws Exception {
        JvmEncoders.closeAll();
        s3 = new S3ProxyServer(dir);
        s3.createBucket("images");
        s3.createBucket("lake");
        for (Map.Entry<String, byte[]> f : TestImages.corpus().entrySet()) {
            s3.put("images", "corpus/" + f.getKey(), f.getValue());
        }
        spark = JobTestSupport.icebergSession("SegmentJobS3Test");
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
        JvmEncoders.closeAll();
    }

    @Test
    void segmentsObjectsAndCommitsThroughTheMagicCommitter() throws IOException {
        String out = "s3a://lake/annotations";
        String[] args = {"--input", "s3a://images/corpus/", "--recursive", "--output", out, "--model", JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224", "--stride", "112",
                "--classes", JobTestSupport.VOC, "--max-pixels", "40000", "--run-id", "s3run"};
        JobTestSupport.Result r = JobTestSupport.segment(args);
        assertEquals(0, r.exit(), r.err());

        Dataset<Row> masks = spark.read().parquet(out + "/masks");
        assertEquals(8, masks.count(), "8 images (notes.txt filtered), each once");
        assertEquals(8, masks.select("uri").distinct().count());
        List<Row> ok = masks.where("status = 'ok'").collectAsList();
        assertEquals(4, ok.size());
        for (Row row : ok) {
            assertTrue(row.<String>getAs("uri").startsWith("s3a://images/corpus/"), row.<String>getAs("uri"));
            JobTestSupport.assertMaskConsistent(row);
        }
        assertEquals(1, spark.read().parquet(out + "/runs").select("run_id").distinct().count());
        assertEquals("succeeded", JobTestSupport.lastRunRow(spark, out + "/runs").getAs("status"));
        assertTrue(spark.read().parquet(out + "/class_stats").count() > 0);

        String success = read(out + "/masks/_SUCCESS");
        assertTrue(success.contains("magic"), "S3A committer summary names the magic committer: " + success);

        String json = read(out + "/runs_json/s3run.json");
        assertTrue(json.contains("\"succeeded\" : 4"), json);
        for (String text : List.of(json, r.out(), r.err(), masks.first().<String>getAs("settings"))) {
            assertFalse(text.contains(S3ProxyServer.SECRET), "credentials never written or printed");
        }

        args[args.length - 1] = "s3run2";
        JobTestSupport.Result again = JobTestSupport.segment(args);
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("skipped 8  processed 0"), again.out());
        assertEquals(8, spark.read().parquet(out + "/masks").count());
    }

    @Test
    void theLeaseIsAConditionalCreateOnS3() throws Exception {
        var conf = spark.sparkContext().hadoopConfiguration();
        try (OutputLease first = OutputLease.acquire("s3a://lake/leased", "run-one", java.time.Duration.ofSeconds(120),
                java.time.Duration.ofSeconds(20), conf, java.time.Clock.systemUTC())) {
            OutputLease.HeldException e = assertThrows(OutputLease.HeldException.class,
                    () -> OutputLease.acquire("s3a://lake/leased", "run-two", java.time.Duration.ofSeconds(120),
                            java.time.Duration.ofSeconds(20), conf, java.time.Clock.systemUTC()));
            assertTrue(e.getMessage().contains("run run-one"), e.getMessage());
        }
        try (OutputLease again = OutputLease.acquire("s3a://lake/leased", "run-two", java.time.Duration.ofSeconds(120),
                java.time.Duration.ofSeconds(20), conf, java.time.Clock.systemUTC())) {
            assertTrue(again.held());
        }
    }

    @Test
    void anS3OutageMidRunLosesNothingDuplicatesNothingAndLeavesNoPermanentError() throws Exception {
        int images = 12;
        for (int i = 0; i < images; i++) {
            s3.put("images", "outage/img" + i + ".png", TestImages.image(26 + i, 20, "png"));
        }
        String out = "s3a://lake/outage";
        String[] args = {"--input", "s3a://images/outage/", "--output", out, "--model", JobTestSupport.MODEL,
                "--resize-short", "224", "--crop", "224", "--stride", "224", "--classes", JobTestSupport.VOC,
                "--commit-every", "3", "--batch-size", "1", "--lease-timeout", "10"};
        java.util.concurrent.CompletableFuture<JobTestSupport.Result> first =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> JobTestSupport.segment(args));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(4);
        while (!first.isDone() && System.nanoTime() < deadline && !wavesCommitted(out)) {
            Thread.sleep(100);
        }
        s3.stopServer();
        Thread.sleep(3000);
        s3.start();
        JobTestSupport.Result during = first.get(5, java.util.concurrent.TimeUnit.MINUTES);
        assertTrue(during.exit() == 0 || during.exit() == 4, "completes or fails cleanly: " + during.err());
        Thread.sleep(11_000); // a lease the outage kept it from releasing is stale by now
        JobTestSupport.Result rerun = JobTestSupport.segment(args);
        assertEquals(0, rerun.exit(), rerun.err());

        Dataset<Row> all = spark.read().parquet(out + "/masks");
        Dataset<Row> permanent = all.where("status = 'error' and not coalesce(retryable, false)");
        assertEquals(0, permanent.count(), "an outage is never a permanent error: " + permanent.collectAsList());
        List<Row> current = dev.clearclip.eval.MasksTable.read(spark, out + "/masks").latest("cls_voc21", null)
                .collectAsList();
        assertEquals(images, current.size(), "every image");
        assertTrue(current.stream().allMatch(r -> r.getAs("status").equals("ok")), current.toString());
        assertEquals(all.where("status = 'ok'").count(), all.where("status = 'ok'").select("uri").distinct().count(),
                "no image segmented twice");
    }

    private static boolean wavesCommitted(String out) {
        try {
            for (org.apache.hadoop.fs.FileStatus f : new Path(out + "/runs_json").getFileSystem(
                    spark.sparkContext().hadoopConfiguration()).listStatus(new Path(out + "/runs_json"))) {
                if (read(f.getPath().toString()).contains("\"waves_committed\" : 1")) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static String read(String uri) throws IOException {
        Path path = new Path(uri);
        try (FSDataInputStream in = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aDeadRunsPendingUploadsUnderTheOutputAreAbortedUnderTheLease() throws Exception {
        String out = "s3a://lake/orphans";
        Path orphan = new Path(out + "/masks/__magic/job-dead/task/part-0.parquet");
        var fs = (org.apache.hadoop.fs.s3a.S3AFileSystem) orphan.getFileSystem(spark.sparkContext().hadoopConfiguration());
        try (org.apache.hadoop.fs.MultipartUploader uploader = fs.createMultipartUploader(orphan).build()) {
            uploader.startUpload(orphan).get(); // what a killed task attempt leaves: an upload never completed
        }
        Path elsewhere = new Path("s3a://lake/not-ours/file.parquet");
        try (org.apache.hadoop.fs.MultipartUploader uploader = fs.createMultipartUploader(elsewhere).build()) {
            uploader.startUpload(elsewhere).get();
        }
        assertEquals(1, fs.listMultipartUploads("orphans/").size(), "the dead run's upload is pending");
        Thread.sleep(1_100); // upload times have second resolution: the run starts strictly after

        String[] args = {"--input", "s3a://images/corpus/", "--recursive", "--output", out, "--model",
                JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224", "--stride", "112", "--classes",
                JobTestSupport.VOC, "--max-pixels", "40000", "--run-id", "orphans"};
        JobTestSupport.Result r = JobTestSupport.segment(args);
        assertEquals(0, r.exit(), r.err());
        assertEquals(0, fs.listMultipartUploads("orphans/").size(), "aborted by the next run on that output");
        assertEquals(1, fs.listMultipartUploads("not-ours/").size(), "another output's upload is left alone");
    }

    @Test
    void icebergTablesInAWarehouseOnS3AreWrittenOnceAndARerunAddsNothing() {
        String out = "s3a://lake/warehouse";
        String[] args = {"--input", "s3a://images/corpus/", "--recursive", "--output", out, "--model",
                JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224", "--stride", "112", "--classes",
                JobTestSupport.VOC, "--max-pixels", "40000", "--run-id", "ice-s3", "--table-format", "iceberg",
                "--commit-every", "4"};
        JobTestSupport.Result r = JobTestSupport.segment(args);
        assertEquals(0, r.exit(), r.err());
        Dataset<Row> masks = dev.clearclip.eval.MasksTable.read(spark, out + "/clearclip/masks").rows();
        assertEquals(8, masks.count(), "8 images, each once");
        assertEquals(8, masks.select("uri").distinct().count());
        // the reader above registered the warehouse's catalog under the job's name for it
        String snapshotsTable = dev.clearclip.lake.Target.warehouse(out, "clearclip", true).qualified("masks")
                + ".snapshots";
        long snapshots = spark.table(snapshotsTable).count();
        assertTrue(snapshots >= 1 && snapshots <= 2, "8 images in waves of 4: " + snapshots);

        args[args.length - 5] = "ice-s3-again";
        JobTestSupport.Result again = JobTestSupport.segment(args);
        assertEquals(0, again.exit(), again.err());
        assertEquals(8, dev.clearclip.eval.MasksTable.read(spark, out + "/clearclip/masks").rows().count());
        spark.catalog().refreshTable(snapshotsTable.replace(".snapshots", ""));
        assertEquals(snapshots, spark.table(snapshotsTable).count(), "the rerun committed nothing to masks");
    }
}
