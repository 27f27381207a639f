package dev.clearclip.job;

import dev.clearclip.spark.TestImages;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded job jar submitted with spark-submit to a standalone cluster (Master + two Workers on 127.0.0.1):
 * one model load per executor JVM whatever the number of tasks, and a run that survives a killed executor.
 * Runs in {@code mvn verify} after {@code package} built {@code target/clearclip-spark-job.jar}.
 */
class SegmentJobClusterIT {

    static final Path JAR = Path.of("target/clearclip-spark-job.jar").toAbsolutePath();
    @TempDir
    static Path dir;
    static StandaloneCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        Assertions.assertTrue(Files.isRegularFile(JAR), "the job jar is built by mvn package before integration tests: " + JAR + " is missing");
        cluster = new StandaloneCluster(dir, 2, 2);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void oneModelLoadPerExecutorNotPerTask() throws Exception {
        Path corpus = corpus("few", 10);
        Path out = dir.resolve("out-loads");
        Process submit = submit("loads", corpus, out, "--partitions", "8");
        assertTrue(submit.waitFor(8, TimeUnit.MINUTES), "run finished");
        assertEquals(0, submit.exitValue(), Files.readString(cluster.log("submit-loads")));

        Group run = JobTestSupport.finalRunRow(out.resolve("runs"));
        assertEquals(2, run.getLong("model_loads", 0), "two executors, 8 tasks: one load per executor JVM");
        assertEquals(10, run.getLong("succeeded", 0));
        assertEveryImageOnce(out, 10);
    }

    @Test
    void aKilledExecutorLosesNoImageAndDuplicatesNone() throws Exception {
        Path corpus = corpus("many", 48);
        Path out = dir.resolve("out-kill");
        Process submit = submit("kill", corpus, out, "--partitions", "24", "--batch-size", "1");
        ProcessHandle victim = awaitWorkingExecutor(submit);
        victim.destroyForcibly();
        assertTrue(submit.waitFor(8, TimeUnit.MINUTES), "run finished");
        String driverLog = Files.readString(cluster.log("submit-kill"));
        assertEquals(0, submit.exitValue(), driverLog);
        assertTrue(driverLog.contains("Lost executor"), "the executor was killed while the run was going on");
        assertEveryImageOnce(out, 48);
        Group run = JobTestSupport.finalRunRow(out.resolve("runs"));
        assertEquals(48, run.getLong("succeeded", 0));
    }

    @Test
    void anImageThatKillsItsExecutorTwiceIsQuarantinedAndTheRunGoesOn() throws Exception {
        Path corpus = corpus("poisoned", 11);
        Files.write(corpus.resolve("poison.png"), TestImages.image(50, 40, "png"));
        Path hookJar = dir.resolve("test-hook.jar");
        try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(hookJar))) {
            String entry = HaltOnPoison.class.getName().replace('.', '/') + ".class";
            jar.putNextEntry(new java.util.jar.JarEntry(entry));
            try (var in = HaltOnPoison.class.getClassLoader().getResourceAsStream(entry)) {
                in.transferTo(jar);
            }
        }
        Path out = dir.resolve("out-poison");
        // one task per executor JVM: a poison image's death then takes no innocent task with it
        Process submit = submit("poison", corpus, out, List.of("--jars", hookJar.toString(),
                        "--conf", "spark.executor.cores=1",
                        "--conf", "spark.clearclip.test.beforeEncodeHook=" + HaltOnPoison.class.getName(),
                        "--conf", "spark.executor.extraJavaOptions=-Dai.djl.offline=true -Dclearclip.test.poison=poison.png"),
                "--partitions", "3", "--batch-size", "4");
        assertTrue(submit.waitFor(8, TimeUnit.MINUTES), "run finished");
        String driverLog = Files.readString(cluster.log("submit-poison"));
        assertEquals(0, submit.exitValue(), driverLog);
        Map<String, Group> byFile = new HashMap<>();
        for (Group g : JobTestSupport.readWithoutSpark(out.resolve("masks"))) {
            assertEquals(null, byFile.put(g.getString("uri", 0).replaceFirst(".*/", ""), g), "one row per image");
        }
        assertEquals(12, byFile.size());
        Group poison = byFile.remove("poison.png");
        assertEquals("error", poison.getString("status", 0));
        assertTrue(poison.getString("error", 0).contains("executor died twice"), poison.getString("error", 0));
        assertTrue(byFile.values().stream().allMatch(g -> g.getString("status", 0).equals("ok")), "all others ok");
        assertTrue(driverLog.contains("Lost executor") || driverLog.contains("ExecutorLostFailure"),
                "the poison image did kill executors");
    }

    private Process submit(String name, Path corpus, Path out, String... extra) throws IOException {
        return submit(name, corpus, out, List.of(), extra);
    }

    private Process submit(String name, Path corpus, Path out, List<String> sparkOptions, String... extra)
            throws IOException {
        List<String> args = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit",
                "--master", cluster.masterUrl, "--deploy-mode", "client",
                "--class", "dev.clearclip.cli.SegmentSubmit",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.executor.memory=1g", "--conf", "spark.executor.cores=2",
                "--conf", "spark.cores.max=4", "--conf", "spark.executor.extraJavaOptions=-Dai.djl.offline=true",
                "--conf", "spark.task.maxFailures=4"));
        args.addAll(sparkOptions); // a later --conf of the same key wins
        args.addAll(List.of(JAR.toString(),
                "--input", corpus.toString(), "--output", out.toUri().toString(),
                "--model", JobTestSupport.MODEL, "--classes", JobTestSupport.VOC,
                "--resize-short", "224", "--crop", "224", "--stride", "112", "--progress-interval", "5"));
        args.addAll(List.of(extra));
        return cluster.java("submit-" + name, args).start();
    }

    /** An executor of our workers that has loaded the model and is segmenting. */
    private ProcessHandle awaitWorkingExecutor(Process submit) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
        while (System.nanoTime() < deadline && submit.isAlive()) {
            for (ProcessHandle executor : cluster.executors()) {
                if (loadedModel(executor)) {
                    return executor;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no executor started segmenting: " + Files.readString(cluster.log("submit-kill")));
    }

    /** The worker writes each executor's stderr under its work dir; ours say when they load the model. */
    private static boolean loadedModel(ProcessHandle executor) throws IOException {
        String command = StandaloneCluster.commandLine(executor);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path stderr : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
                String id = stderr.getParent().getFileName().toString();
                if (command.contains("--executor-id " + id + " ") && Files.readString(stderr).contains("loaded image encoder")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void assertEveryImageOnce(Path out, int images) throws IOException {
        Map<String, Integer> seen = new HashMap<>();
        for (Group g : JobTestSupport.readWithoutSpark(out.resolve("masks"))) {
            seen.merge(g.getString("uri", 0), 1, Integer::sum);
            assertEquals("ok", g.getString("status", 0));
        }
        assertEquals(images, seen.size());
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "no duplicates: " + seen);
    }

    private static Path corpus(String name, int count) throws IOException {
        Path corpus = Files.createDirectories(dir.resolve(name));
        for (int i = 0; i < count; i++) {
            Files.write(corpus.resolve(String.format("img_%03d.png", i)), TestImages.image(40 + i, 30 + i % 7, "png"));
        }
        return corpus;
    }
}
