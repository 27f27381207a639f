package dev.clearclip.cli;

import dev.clearclip.io.Npy;
import dev.clearclip.output.LabelPng;
import dev.clearclip.pipeline.JvmEncoders;
import dev.clearclip.spark.ClearClipSegmenter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The same image and class file through predict, segment and the Transformer: the same label map, byte for byte. */
class EntryPointsAgreeTest {

    static SparkSession spark;

    @BeforeAll
    static void start() {
        JvmEncoders.closeAll();
        spark = SparkSession.builder().master("local[2]").appName("EntryPointsAgreeTest")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
        JvmEncoders.closeAll();
    }

    @Test
    void predictSegmentAndTheTransformerGiveTheSameLabels(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path image = images.resolve("chelsea.png");
        Files.copy(CliRun.fixture("inputs/chelsea_noicc.png"), image);
        String model = CliRun.fixture("models/tiny-openclip").toString();
        String classes = CliRun.fixture("text/cls_voc21.txt").toString();

        Path labels = dir.resolve("labels.npy");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int predict = Main.run(new String[] {"predict", "--model", model, "--classes", classes, "--image",
                image.toString(), "--out-labels", labels.toString()}, System.out, new PrintStream(err, true));
        assertEquals(0, predict, err.toString(StandardCharsets.UTF_8));
        int[] fromPredict = Npy.read(labels).ints();

        Path out = dir.resolve("out");
        int segment = Main.run(new String[] {"segment", "--input", images.toString(), "--output", out.toUri().toString(),
                "--model", model, "--classes", classes}, System.out, new PrintStream(err, true));
        assertEquals(0, segment, err.toString(StandardCharsets.UTF_8));
        List<Row> masks = spark.read().parquet(out.resolve("masks").toString()).collectAsList();
        assertEquals(1, masks.size());
        int[] fromSegment = LabelPng.decode(masks.get(0).getAs("mask_png"));

        Row transformed = new ClearClipSegmenter().setModel(model).setVocabularies(new String[] {classes})
                .transform(spark.read().format("binaryFile").load(image.toString())).first();
        Row segmentOfVocabulary = transformed.<Row>getList(transformed.fieldIndex("segments")).get(0);
        int[] fromTransformer = LabelPng.decode(segmentOfVocabulary.getAs("mask_png"));

        assertArrayEquals(fromPredict, fromSegment, "predict vs segment");
        assertArrayEquals(fromPredict, fromTransformer, "predict vs the Transformer");
    }
}
