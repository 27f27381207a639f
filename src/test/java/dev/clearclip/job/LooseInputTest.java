package dev.clearclip.job;

import dev.clearclip.pipeline.JvmEncoders;
import dev.clearclip.spark.TestImages;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loose files listed on executors: colliding names get distinct image ids, hidden files and depth as before. */
class LooseInputTest {

    static SparkSession spark;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        JvmEncoders.closeAll();
        spark = JobTestSupport.localSession("LooseInputTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
        JvmEncoders.closeAll();
    }

    static void write(Path file, String format) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, TestImages.image(24, 24, format));
    }

    @Test
    void collidingNamesGetDistinctIdsAndNothingIsOverwritten() throws IOException {
        Path one = dir.resolve("one");
        Path two = dir.resolve("two");
        write(one.resolve("a.jpg"), "jpg");
        write(one.resolve("a.png"), "png");
        write(one.resolve("sub/b.png"), "png");
        write(one.resolve("sub/deeper/c.png"), "png");
        write(two.resolve("a.jpg"), "jpg");
        write(two.resolve("solo.png"), "png");
        write(one.resolve(".hidden/x.png"), "png");
        write(one.resolve("_tmp.png"), "png");
        Path out = dir.resolve("out");
        JobTestSupport.Result r = JobTestSupport.segment("--input", one.toString(), two.toString(), "--recursive",
                "--output", out.toUri().toString(), "--model", JobTestSupport.MODEL, "--resize-short", "224",
                "--crop", "224", "--stride", "112", "--classes", JobTestSupport.VOC, "--export-labels");
        assertEquals(0, r.exit(), r.err());
        Map<String, String> idByUri = new HashMap<>();
        for (Row row : spark.read().parquet(out.resolve("masks").toString()).collectAsList()) {
            String uri = row.getAs("uri");
            idByUri.put(dir.relativize(Path.of(java.net.URI.create(uri))).toString(), row.getAs("image_id"));
            assertEquals(uri, row.getAs("source"));
        }
        assertEquals(Map.of("one/a.jpg", "0/a.jpg", "two/a.jpg", "1/a.jpg", "one/a.png", "a.png",
                "one/sub/b.png", "sub/b", "one/sub/deeper/c.png", "sub/deeper/c", "two/solo.png", "solo"), idByUri);
        try (Stream<Path> labels = Files.walk(out.resolve("labels/cls_voc21/SegmentationClass"))) {
            assertEquals(6, labels.filter(p -> p.toString().endsWith(".png")).count(), "one label file per image");
        }

        Path flat = dir.resolve("flat-out");
        JobTestSupport.Result top = JobTestSupport.segment("--input", one.toString(), "--output",
                flat.toUri().toString(), "--model", JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224",
                "--stride", "112", "--classes", JobTestSupport.VOC);
        assertEquals(0, top.exit(), top.err());
        List<String> keys = spark.read().parquet(flat.resolve("masks").toString()).select("key").orderBy("key")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertEquals(List.of("a.jpg", "a.png"), keys, "without --recursive only the top level");
        assertTrue(top.out().contains("processed 2"), top.out());
    }
}
