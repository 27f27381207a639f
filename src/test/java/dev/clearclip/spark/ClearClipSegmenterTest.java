package dev.clearclip.spark;

import dev.clearclip.config.SettingOverrides;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ML transformer over binaryFile's content column: columns appended, bad images as error rows. */
class ClearClipSegmenterTest {

    static SparkSession spark;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        dev.clearclip.pipeline.JvmEncoders.closeAll();
        spark = SparkSession.builder().master("local[2]").appName("ClearClipSegmenterTest")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        for (Map.Entry<String, byte[]> f : TestImages.corpus().entrySet()) {
            if (!f.getKey().contains("/")) {
                Files.write(dir.resolve(f.getKey()), f.getValue());
            }
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
        dev.clearclip.pipeline.JvmEncoders.closeAll();
    }

    @Test
    void appendsSegmentationColumnsToEveryRow() throws IOException {
        Dataset<Row> images = spark.read().format("binaryFile").option("pathGlobFilter", "*.{png,jpg,bmp}")
                .load(dir.toString());
        ClearClipSegmenter segmenter = new ClearClipSegmenter().setModel(fixture("models/tiny-openclip"))
                .setVocabularies(new String[]{fixture("text/cls_voc21.txt"), fixture("text/cls_synonyms.txt")})
                .setBatchSize(2).setOverrides(new SettingOverrides(224, 2048, 224, 112, 0.0, 50.0, null, null, null, null));
        Dataset<Row> out = segmenter.transform(images);
        assertTrue(List.of(out.columns()).containsAll(List.of("path", "content", "width", "status", "segments")));
        List<Row> rows = out.collectAsList();
        assertEquals(images.count(), rows.size());
        for (Row r : rows) {
            String name = r.<String>getAs("path").replaceFirst(".*/", "");
            if (name.startsWith("good") || name.startsWith("huge")) {
                assertEquals("ok", r.getAs("status"), name + " " + r.getAs("error"));
                assertNull(r.getAs("error"));
                List<Row> segments = r.getList(r.fieldIndex("segments"));
                assertEquals(List.of("cls_voc21", "cls_synonyms"), segments.stream().map(s -> s.<String>getAs("vocabulary")).toList());
                BufferedImage mask = ImageIO.read(new ByteArrayInputStream(segments.get(0).getAs("mask_png")));
                long pixels = 0;
                for (Row c : segments.get(0).<Row>getList(segments.get(0).fieldIndex("classes"))) {
                    pixels += c.<Long>getAs("pixels");
                }
                assertEquals((long) mask.getWidth() * mask.getHeight(), pixels);
                assertEquals(r.<Integer>getAs("width"), mask.getWidth());
                assertEquals(r.<Integer>getAs("height"), mask.getHeight());
            } else {
                assertEquals("error", r.getAs("status"), name);
                assertTrue(r.<String>getAs("error").length() > 0);
            }
        }
    }

    static String fixture(String relative) {
        try {
            return Path.of(ClearClipSegmenterTest.class.getResource("/fixtures/" + relative).toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void rejectsAMissingOrNonBinaryInputColumn() {
        Dataset<Row> text = spark.range(3).toDF("content");
        ClearClipSegmenter segmenter = new ClearClipSegmenter().setModel(fixture("models/tiny-openclip"))
                .setVocabularies(new String[]{fixture("text/cls_voc21.txt")});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> segmenter.transform(text));
        assertTrue(e.getMessage().contains("'content'"), e.getMessage());
    }
}
