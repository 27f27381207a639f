package dev.clearclip.job;

import dev.clearclip.spark.TestImages;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code segment} drivers as users start them ({@code jobs/clearclip}, their own JVMs), killed with SIGKILL and
 * stopped with SIGTERM between waves, and a second run started while the lease is fresh: every input ends up exactly
 * once, the dead run is recorded and its statistics built, and no run writes under another's lease.
 */
class SegmentJobCrashIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .resolve("jobs/clearclip").toAbsolutePath();
    private static final int IMAGES = 40;

    @TempDir
    static Path dir;
    static Path corpus;

    @BeforeAll
    static void images() throws IOException {
        corpus = Files.createDirectories(dir.resolve("corpus"));
        for (int i = 0; i < IMAGES; i++) {
            Files.write(corpus.resolve(String.format("img_%03d.png", i)), TestImages.image(30 + i, 24 + i % 5, "png"));
        }
    }

    private static Process segment(String name, Path out, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString(), "segment",
                "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
                "--input", corpus.toString(), "--output", out.toUri().toString(), "--model", JobTestSupport.MODEL,
                "--classes", JobTestSupport.VOC, "--resize-short", "224", "--crop", "224", "--stride", "224",
                "--batch-size", "1", "--progress-interval", "5"));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private static String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    private static void await(String what, BooleanSupplier condition, Process p, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                throw new AssertionError("never saw " + what + ":\n" + log(name));
            }
            Thread.sleep(100);
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.exists(file) && Files.readString(file).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aKilledDriverLosesAtMostOneWaveAndTheRerunDoesEachImageOnce() throws Exception {
        Path out = dir.resolve("out-kill");
        Process first = segment("kill-a", out, "--run-id", "crash-a", "--commit-every", "4", "--lease-timeout", "10");
        await("the lease", () -> Files.exists(out.resolve(OutputLease.FILE)), first, "kill-a");

        await("the first wave's commit", () -> contains(out.resolve("runs_json/crash-a.json"),
                "\"waves_committed\" : 1"), first, "kill-a");
        first.destroyForcibly();
        assertTrue(first.waitFor(1, TimeUnit.MINUTES));
        assertTrue(Files.exists(out.resolve(OutputLease.FILE)), "SIGKILL leaves the lease behind");

        // a run started while that lease's heartbeat is fresh (within this run's 600 s timeout): refused, writes nothing
        Process second = segment("kill-b", out, "--run-id", "crash-b", "--lease-timeout", "600");
        assertTrue(second.waitFor(4, TimeUnit.MINUTES));
        assertEquals(3, second.exitValue(), log("kill-b"));
        assertTrue(log("kill-b").contains("being written by run crash-a"), log("kill-b"));

        Thread.sleep(11_000); // its last heartbeat is now older than the next run's --lease-timeout
        Process rerun = segment("kill-c", out, "--run-id", "crash-c", "--lease-timeout", "10");
        assertTrue(rerun.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, rerun.exitValue(), log("kill-c"));

        assertEveryImageOnce(out);
        Map<String, String> state = runStates(out);
        assertEquals("abandoned", state.get("crash-a"), state.toString());
        assertEquals("succeeded", state.get("crash-c"));
        assertFalse(state.containsKey("crash-b"), "the refused run recorded nothing");
        List<String> statsRuns = JobTestSupport.readWithoutSpark(out.resolve("class_stats")).stream()
                .map(g -> g.getString("run_id", 0)).distinct().sorted().toList();
        assertEquals(List.of("crash-a", "crash-c"), statsRuns, "the dead run's committed waves have statistics");
        assertFalse(Files.exists(out.resolve(OutputLease.FILE)), "released");
    }

    @Test
    void sigtermRecordsTheRunAbandonedAndReleasesTheLease() throws Exception {
        Path out = dir.resolve("out-term");
        Process run = segment("term-a", out, "--run-id", "term-a", "--commit-every", "4");
        await("the first wave's commit", () -> contains(out.resolve("runs_json/term-a.json"),
                "\"waves_committed\" : 1"), run, "term-a");
        run.destroy();
        assertTrue(run.waitFor(2, TimeUnit.MINUTES));
        assertFalse(Files.exists(out.resolve(OutputLease.FILE)), "released at SIGTERM: " + log("term-a"));
        assertTrue(contains(out.resolve("runs_json/term-a.json"), "\"status\" : \"abandoned\""), log("term-a"));

        Process rerun = segment("term-b", out, "--run-id", "term-b", "--lease-timeout", "600");
        assertTrue(rerun.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, rerun.exitValue(), "no wait for a lease timeout: " + log("term-b"));
        assertEveryImageOnce(out);
        assertEquals("abandoned", runStates(out).get("term-a"));
    }

    @Test
    void icebergTablesAfterAKilledDriverHoldEachImageOnce() throws Exception {
        Path out = dir.resolve("out-ice");
        Process first = segment("ice-a", out, "--run-id", "ice-a", "--commit-every", "4", "--lease-timeout", "10",
                "--table-format", "iceberg");
        await("the first wave's commit", () -> contains(out.resolve("runs_json/ice-a.json"),
                "\"waves_committed\" : 1"), first, "ice-a");
        first.destroyForcibly();
        assertTrue(first.waitFor(1, TimeUnit.MINUTES));
        Thread.sleep(11_000); // the dead run's lease is stale for the rerun
        Process rerun = segment("ice-b", out, "--run-id", "ice-b", "--lease-timeout", "10", "--table-format",
                "iceberg");
        assertTrue(rerun.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, rerun.exitValue(), log("ice-b"));

        try (org.apache.iceberg.hadoop.HadoopCatalog catalog = new org.apache.iceberg.hadoop.HadoopCatalog(
                new org.apache.hadoop.conf.Configuration(), out.toUri().toString())) {
            var masks = catalog.loadTable(org.apache.iceberg.catalog.TableIdentifier.of("clearclip", "masks"));
            Map<String, Integer> seen = new HashMap<>();
            Map<String, Integer> byRun = new HashMap<>();
            try (var rows = org.apache.iceberg.data.IcebergGenerics.read(masks).build()) {
                for (org.apache.iceberg.data.Record r : rows) {
                    seen.merge((String) r.getField("uri"), 1, Integer::sum);
                    byRun.merge((String) r.getField("run_id"), 1, Integer::sum);
                    assertEquals("ok", r.getField("status"));
                }
            }
            assertEquals(IMAGES, seen.size(), "every input: " + seen.keySet());
            assertTrue(seen.values().stream().allMatch(n -> n == 1), "no duplicates: " + seen);
            // waves are hashed, so the first one's size varies: it has rows, and they were not redone
            assertTrue(byRun.getOrDefault("ice-a", 0) >= 1, "the killed run's committed wave stays: " + byRun);
            var runs = catalog.loadTable(org.apache.iceberg.catalog.TableIdentifier.of("clearclip", "runs"));
            List<String> states = new ArrayList<>();
            try (var rows = org.apache.iceberg.data.IcebergGenerics.read(runs).build()) {
                for (org.apache.iceberg.data.Record r : rows) {
                    states.add(r.getField("run_id") + ":" + r.getField("status"));
                }
            }
            assertTrue(states.contains("ice-a:abandoned") && states.contains("ice-b:succeeded"), states.toString());
        }
    }

    private static void assertEveryImageOnce(Path out) throws IOException {
        Map<String, Integer> seen = new HashMap<>();
        for (Group g : JobTestSupport.readWithoutSpark(out.resolve("masks"))) {
            seen.merge(g.getString("uri", 0), 1, Integer::sum);
            assertEquals("ok", g.getString("status", 0));
        }
        assertEquals(IMAGES, seen.size(), "every input: " + seen.keySet());
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "no duplicates: " + seen);
    }

    /** The status of each run's last row (rows are appended in order; a run's rows come from one driver). */
    private static Map<String, String> runStates(Path out) throws IOException {
        Map<String, String> state = new HashMap<>();
        Map<String, Integer> rank = Map.of("running", 0, "abandoned", 1, "succeeded", 2, "failed_error_rate", 2);
        for (Group g : JobTestSupport.readWithoutSpark(out.resolve("runs"))) {
            String id = g.getString("run_id", 0);
            String status = g.getString("status", 0);
            state.merge(id, status, (a, b) -> rank.get(b) >= rank.get(a) ? b : a);
        }
        return state;
    }
}
