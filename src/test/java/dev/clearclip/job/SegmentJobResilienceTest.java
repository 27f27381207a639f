package dev.clearclip.job;

import dev.clearclip.eval.MasksTable;
import dev.clearclip.pipeline.JvmEncoders;
import dev.clearclip.spark.TestImages;
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
import java.util.List;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs that survive: the rerun key, retryable errors, the error budget across retries, unsafe ids, an empty masks
 * folder, the output lease and commits in waves. */
class SegmentJobResilienceTest {

    static SparkSession spark;
    @TempDir
    static Path dir;

    static final String[] FAST = {"--model", JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224",
            "--stride", "224", "--classes", JobTestSupport.VOC};

    @BeforeAll
    static void start() {
        JvmEncoders.closeAll();
        spark = JobTestSupport.localSession("SegmentJobResilienceTest");
        spark.sparkContext().hadoopConfiguration().set("fs.flaky.impl", FlakyFileSystem.class.getName());
        spark.sparkContext().hadoopConfiguration().setBoolean("fs.flaky.impl.disable.cache", true);
    }

    @AfterAll
    static void stop() {
        spark.stop();
        JvmEncoders.closeAll();
    }

    private static Path images(String name, int count) throws IOException {
        Path in = dir.resolve(name);
        Files.createDirectories(in);
        for (int i = 0; i < count; i++) {
            Files.write(in.resolve("img" + i + ".png"), TestImages.image(20 + i, 18, "png"));
        }
        return in;
    }

    @Test
    void anotherProbThresholdRedoesEveryImageAndReadersSeeOneCurrentRow() throws IOException {
        Path in = images("settings", 2);
        String out = dir.resolve("out-settings").toUri().toString();
        assertEquals(0, segment("--input", in.toString(), "--output", out).exit());
        JobTestSupport.Result same = segment("--input", in.toString(), "--output", out, "--batch-size", "1");
        assertTrue(same.out().contains("skipped 2  processed 0"), "batch size is not in the key: " + same.out());
        JobTestSupport.Result changed = segment("--input", in.toString(), "--output", out, "--prob-thd", "0.9");
        assertEquals(0, changed.exit(), changed.err());
        assertTrue(changed.out().contains("skipped 0  processed 2"), changed.out());

        Dataset<Row> all = spark.read().parquet(out + "/masks");
        assertEquals(4, all.count(), "the old rows stay beside the new ones");
        assertEquals(2, all.select("settings_hash").distinct().count());
        List<Row> current = MasksTable.read(spark, out + "/masks").latest("cls_voc21", null).collectAsList();
        assertEquals(2, current.size(), "one current row per image and vocabulary");
        String newest = all.orderBy(col("processed_at").desc()).first().getAs("run_id");
        assertTrue(current.stream().allMatch(r -> r.getAs("run_id").equals(newest)), "the newest settings win");
        assertTrue(segment("--input", in.toString(), "--output", out, "--prob-thd", "0.9").out()
                .contains("skipped 2  processed 0"));
    }

    @Test
    void aChangedSourceFileIsRedone() throws IOException {
        Path in = images("changed", 2);
        String out = dir.resolve("out-changed").toUri().toString();
        assertEquals(0, segment("--input", in.toString(), "--output", out).exit());
        Files.write(in.resolve("img0.png"), TestImages.image(40, 30, "png"));
        JobTestSupport.Result r = segment("--input", in.toString(), "--output", out);
        assertTrue(r.out().contains("skipped 1  processed 1"), r.out());
        Row redone = MasksTable.read(spark, out + "/masks").latest("cls_voc21", null)
                .where(col("uri").endsWith("img0.png")).first();
        assertEquals(40, (int) redone.<Integer>getAs("width"));
    }

    @Test
    void aTransientReadFailureIsARetryableRowThatTheNextRunRetriesUnasked() throws IOException {
        Path in = images("flaky", 3);
        Path manifest = dir.resolve("flaky.csv");
        StringBuilder m = new StringBuilder("uri\n");
        for (int i = 0; i < 3; i++) {
            m.append("flaky://").append(in.resolve("img" + i + ".png").toAbsolutePath()).append('\n');
        }
        Files.writeString(manifest, m.toString());
        String out = dir.resolve("out-flaky").toUri().toString();
        FlakyFileSystem.failReadsOf("img1", 1000);
        try {
            JobTestSupport.Result first = segment("--manifest", manifest.toString(), "--output", out);
            assertEquals(0, first.exit(), first.err());
        } finally {
            FlakyFileSystem.failReadsOf("\u0000", 0);
        }
        Row failed = spark.read().parquet(out + "/masks").where(col("uri").endsWith("img1.png")).first();
        assertEquals("error", failed.getAs("status"));
        assertEquals(Boolean.TRUE, failed.getAs("retryable"), failed.toString());
        assertTrue(failed.<String>getAs("error").contains("injected"), failed.<String>getAs("error"));

        JobTestSupport.Result second = segment("--manifest", manifest.toString(), "--output", out);
        assertTrue(second.out().contains("skipped 2  processed 1"), "retried without --retry-errors: " + second.out());
        Row now = MasksTable.read(spark, out + "/masks").latest("cls_voc21", null)
                .where(col("uri").endsWith("img1.png")).first();
        assertEquals("ok", now.getAs("status"));
        assertNull(now.getAs("error"));
        JobTestSupport.Result third = segment("--manifest", manifest.toString(), "--output", out);
        assertTrue(third.out().contains("skipped 3  processed 0"), third.out());
    }

    @Test
    void theErrorBudgetHoldsWhenTheSchedulerRetriesAFailedRun() throws IOException {
        Path in = images("budget", 2);
        Files.write(in.resolve("broken.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        String out = dir.resolve("out-budget").toUri().toString();
        JobTestSupport.Result first = segment("--input", in.toString(), "--output", out, "--max-error-rate", "0.1");
        assertEquals(1, first.exit(), first.out());
        JobTestSupport.Result retry = segment("--input", in.toString(), "--output", out, "--max-error-rate", "0.1");
        assertTrue(retry.out().contains("processed 0"), retry.out());
        assertEquals(1, retry.exit(), "a retry that redoes nothing still fails the budget: " + retry.err());
        assertTrue(retry.err().contains("1 of 3 input images are failed in the table"), retry.err());
        assertEquals(0, segment("--input", in.toString(), "--output", out, "--max-error-rate", "0.5").exit());
    }

    @Test
    void idsThatWouldEscapeTheLabelFolderAreErrorRowsAndNothingIsWrittenOutside() throws IOException {
        Path in = images("traversal", 1);
        Path img = in.resolve("img0.png");
        Path manifest = dir.resolve("traversal.csv");
        Files.writeString(manifest, "uri,image_id\n"
                + img.toUri() + ",../../../../escaped/x\n"
                + img.toUri() + "?,/abs\n"
                + in.resolve("copy.png").toUri() + ",fine/one\n");
        Files.copy(img, in.resolve("copy.png"));
        Path outDir = dir.resolve("traversal-out/run");
        JobTestSupport.Result r = segment("--manifest", manifest.toString(), "--output", outDir.toUri().toString(),
                "--export-labels");
        assertEquals(0, r.exit(), r.err());
        List<Row> rows = spark.read().parquet(outDir.resolve("masks").toString()).collectAsList();
        Row bad = rows.stream().filter(x -> x.<String>getAs("image_id").startsWith("../")).findFirst().orElseThrow();
        assertEquals("error", bad.getAs("status"));
        assertTrue(bad.<String>getAs("error").contains("'../../../../escaped/x'"), bad.<String>getAs("error"));
        assertEquals(Boolean.FALSE, bad.getAs("retryable"), "a bad id is permanent");
        assertTrue(Files.exists(outDir.resolve("labels/cls_voc21/SegmentationClass/fine/one.png")));
        try (Stream<Path> all = Files.walk(dir)) {
            assertFalse(all.anyMatch(p -> p.toString().contains("escaped")), "nothing written outside the output");
        }
    }

    @Test
    void anEmptyMasksFolderLeftByACrashedFirstRunIsNotAnError() throws IOException {
        Path in = images("empty", 1);
        Path out = dir.resolve("out-empty");
        Files.createDirectories(out.resolve("masks"));
        JobTestSupport.Result r = segment("--input", in.toString(), "--output", out.toUri().toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("processed 1"), r.out());
    }

    @Test
    void aLiveRunsLeaseRefusesASecondRunWithExit3AndOverwriteWithIt() throws Exception {
        Path in = images("leased", 1);
        Path out = dir.resolve("out-leased");
        assertEquals(0, segment("--input", in.toString(), "--output", out.toUri().toString()).exit());
        try (OutputLease other = OutputLease.acquire(out.toUri().toString(), "other-run",
                java.time.Duration.ofSeconds(120), java.time.Duration.ofSeconds(20),
                spark.sparkContext().hadoopConfiguration(), java.time.Clock.systemUTC())) {
            JobTestSupport.Result second = segment("--input", in.toString(), "--output", out.toUri().toString());
            assertEquals(3, second.exit(), second.err());
            assertEquals(1, second.err().strip().lines().count(), second.err());
            assertTrue(second.err().contains("run other-run"), second.err());
            JobTestSupport.Result overwrite = segment("--input", in.toString(), "--output", out.toUri().toString(),
                    "--overwrite");
            assertEquals(3, overwrite.exit(), overwrite.err());
            assertEquals(1, spark.read().parquet(out.resolve("masks").toString()).count(),
                    "--overwrite deleted nothing under the live run");
        }
    }

    @Test
    void aStaleLeaseOfADeadRunIsTakenOverAndReleasedAtTheEnd() throws IOException {
        Path in = images("stale", 1);
        Path out = dir.resolve("out-stale");
        Files.createDirectories(out);
        Files.writeString(out.resolve(OutputLease.FILE), "{\"run_id\":\"dead-run\",\"heartbeat_at\":\""
                + java.time.Instant.now().minusSeconds(3600) + "\"}");
        JobTestSupport.Result r = segment("--input", in.toString(), "--output", out.toUri().toString(),
                "--lease-timeout", "60");
        assertEquals(0, r.exit(), r.err());
        assertFalse(Files.exists(out.resolve(OutputLease.FILE)), "released");
    }

    @Test
    void wavesAreCommittedAndRecordedOneByOne() throws IOException {
        Path in = images("waves", 5);
        String out = dir.resolve("out-waves").toUri().toString();
        JobTestSupport.Result r = segment("--input", in.toString(), "--output", out, "--commit-every", "2",
                "--run-id", "waved");
        assertEquals(0, r.exit(), r.err());
        Dataset<Row> masks = spark.read().parquet(out + "/masks");
        assertEquals(5, masks.count());
        assertEquals(5, masks.select("uri").distinct().count());
        List<Row> runs = spark.read().parquet(out + "/runs").orderBy("updated_at").collectAsList();
        assertEquals(List.of("running", "running", "running", "succeeded"),
                runs.stream().map(x -> x.<String>getAs("status")).toList());
        assertEquals(List.of(0, 1, 2, 3), runs.stream().map(x -> x.<Integer>getAs("waves_committed")).toList());
        assertTrue(runs.stream().allMatch(x -> x.<Integer>getAs("waves_total") == 3));
        assertEquals(5L, runs.get(3).<Long>getAs("succeeded"));
    }

    private static JobTestSupport.Result segment(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + FAST.length);
        System.arraycopy(FAST, 0, all, args.length, FAST.length);
        return JobTestSupport.segment(all);
    }
}
