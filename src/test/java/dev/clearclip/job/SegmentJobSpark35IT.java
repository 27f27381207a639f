package dev.clearclip.job;

import dev.clearclip.spark.TestImages;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same sources built for Spark 3.5 / Scala 2.12 (-Pspark35) run the segment job on a Spark 3.5.7 class path,
 * in a child JVM with no Spark 4 or Scala 2.13 class on it: what an EMR 7 / Dataproc 2.2 cluster would load.
 * {@code mvn verify} builds target/spark35/ (the jar and the class path file) before the integration tests.
 */
class SegmentJobSpark35IT {

    static final Path JAR = Path.of(System.getProperty("spark35.jar",
            "target/spark35/clearclip-spark-job-spark35.jar")).toAbsolutePath();
    static final Path CLASSPATH = Path.of(System.getProperty("spark35.classpath",
            "target/spark35/classpath.txt")).toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void segmentsGoodImagesAndRecordsTheBadOneOnSpark35() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: mvn verify builds it (mvn -Pspark35 package)");
        assertTrue(Files.isRegularFile(CLASSPATH), CLASSPATH + " is missing: mvn -Pspark35 package writes it");
        String sparkJars = Files.readString(CLASSPATH).strip();
        assertTrue(sparkJars.contains("spark-core_2.12-3.5.7.jar"), "a Spark 3.5.7 / Scala 2.12 class path: " + sparkJars);
        assertTrue(!sparkJars.contains("_2.13"), "no Scala 2.13 jar on the Spark 3.5 class path");

        Path corpus = Files.createDirectories(dir.resolve("images"));
        Files.write(corpus.resolve("a.png"), TestImages.image(48, 36, "png"));
        Files.write(corpus.resolve("b.png"), TestImages.image(40, 52, "png"));
        Files.write(corpus.resolve("c.png"), TestImages.image(64, 30, "png"));
        Files.write(corpus.resolve("broken.png"), "not a png at all".getBytes(StandardCharsets.UTF_8));
        Path out = dir.resolve("out");

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1536m", "-Dai.djl.offline=true"));
        command.addAll(List.of(StandaloneCluster.OPENS.split(" ")));
        command.addAll(List.of("-cp", sparkJars + File.pathSeparator + JAR, "dev.clearclip.cli.SegmentSubmit",
                "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
                "--input", corpus.toUri().toString(), "--output", out.toUri().toString(),
                "--model", JobTestSupport.MODEL, "--classes", JobTestSupport.VOC,
                "--resize-short", "224", "--crop", "224", "--stride", "112"));
        Path log = dir.resolve("segment.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = builder.start();
        if (!p.waitFor(8, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("segment on Spark 3.5 did not finish: " + Files.readString(log));
        }
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("version 3.5.7"), "ran on Spark 3.5.7: " + output);

        Map<String, String> statusByFile = new TreeMap<>();
        for (Group row : JobTestSupport.readWithoutSpark(out.resolve("masks"))) {
            String file = row.getString("uri", 0).replaceFirst(".*/", "");
            assertEquals(null, statusByFile.put(file, row.getString("status", 0)), "one row per image: " + file);
        }
        assertEquals(Map.of("a.png", "ok", "b.png", "ok", "c.png", "ok", "broken.png", "error"), statusByFile);
        Group run = JobTestSupport.finalRunRow(out.resolve("runs"));
        assertEquals(3, run.getLong("succeeded", 0));
        assertEquals(1, run.getLong("failed", 0));
    }
}
