package dev.clearclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
    private static final int I = GroundTruthLayout.IGNORE;
    private static final List<String> ABC = List.of("a", "b", "c");
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = TestTables.spark();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private EvaluationResult evaluate(String predictions, String vocabulary, GroundTruthLayout layout, int n)
            throws IOException {
        List<String> names = java.util.stream.IntStream.range(0, n).mapToObj(c -> "c" + c).toList();
        return new Evaluator(spark).evaluate(new EvaluationSettings(predictions, vocabulary,
                tmp.resolve("gt").toString(), layout, n, names, null));
    }

    private String masks(Row... rows) {
        return TestTables.write(spark, tmp.resolve("masks"), List.of(rows));
    }

    private static Row ok(String id, int[] labels, long time) {
        return TestTables.ok(id, "file:/img/" + id + ".jpg", 4, 2, labels, "voc", ABC, time);
    }

    @Test
    void perfectPredictionIgnoringIgnorePixels() throws IOException {
        TestTables.labelPng(tmp.resolve("gt/x.png"), 4, 2, 0, 0, 1, 1, 2, 2, I, I);
        EvaluationResult r = evaluate(masks(ok("x", new int[]{0, 0, 1, 1, 2, 2, 0, 1}, 1)), null,
                GroundTruthLayout.VOC21, 3);
        assertEquals("voc", r.vocabulary());
        assertEquals(1, r.images());
        assertEquals(2, r.matrix().ignoredPixels());
        assertArrayEquals(new double[]{1, 1, 1}, r.metrics().iou());
        assertEquals(1.0, r.metrics().mIoU());
        assertEquals(1.0, r.metrics().aAcc());
    }

    @Test
    void allWrong() throws IOException {
        TestTables.labelPng(tmp.resolve("gt/x.png"), 4, 2, 0, 0, 1, 1, 2, 2, 2, 2);
        EvaluationResult r = evaluate(masks(ok("x", new int[]{1, 1, 2, 2, 0, 0, 0, 0}, 1)), null,
                GroundTruthLayout.VOC21, 3);
        assertEquals(0.0, r.metrics().mIoU());
        assertEquals(0.0, r.metrics().mAcc());
        assertEquals(0.0, r.metrics().aAcc());
    }

    @Test
    void classMissingFromPredictionsAcrossImages() throws IOException {
        TestTables.labelPng(tmp.resolve("gt/x.png"), 4, 2, 0, 0, 0, 0, 1, 1, 2, 2);
        TestTables.labelPng(tmp.resolve("gt/y.png"), 4, 2, 0, 0, 0, 0, 1, 1, 2, 2);
        EvaluationResult r = evaluate(masks(ok("x", new int[]{0, 0, 0, 0, 1, 1, 0, 0}, 1),
                ok("y", new int[]{0, 0, 0, 0, 1, 1, 0, 0}, 1)), "voc", GroundTruthLayout.VOC21, 3);
        assertEquals(2, r.images());
        assertArrayEquals(new long[]{8, 4, 4}, r.metrics().areaLabel());
        assertArrayEquals(new long[]{12, 4, 0}, r.metrics().areaPrediction());
        assertArrayEquals(new double[]{8.0 / 12, 1, 0}, r.metrics().iou(), 1e-15);
        assertEquals((8.0 / 12 + 1) / 3, r.metrics().mIoU(), 1e-15);
        assertEquals(2.0 / 3, r.metrics().mAcc(), 1e-15);
        assertEquals(12.0 / 16, r.metrics().aAcc(), 1e-15);
    }

    @Test
    void ade20kReduceZeroLabelFromPngFolder() throws IOException {
        // stored 0 = "other" (ignored), stored k = class k-1
        TestTables.labelPng(tmp.resolve("gt/ADE_val_1.png"), 2, 2, 0, 1, 2, 3);
        TestTables.labelPng(tmp.resolve("pred/ADE_val_1.png"), 2, 2, 2, 0, 1, 1);
        EvaluationResult r = evaluate(tmp.resolve("pred").toString(), null, GroundTruthLayout.ADE20K, 150);
        assertEquals(1, r.matrix().ignoredPixels());
        // labels [ignore, 0, 1, 2] vs predicted [2, 0, 1, 1]: the 2 on the ignored pixel does not count
        assertArrayEquals(new double[]{1, 0.5, 0}, java.util.Arrays.copyOf(r.metrics().iou(), 3));
        assertEquals(Double.NaN, r.metrics().iou()[3]);
        assertEquals(1.5 / 3, r.metrics().mIoU(), 1e-15);
        assertEquals(2.0 / 3, r.metrics().aAcc(), 1e-15);
    }

    @Test
    void cityscapesLabelIdsAgainstTrainIdPredictions() throws IOException {
        String name = "frankfurt/frankfurt_000000_000294";
        // road, sidewalk, car, unlabeled, parking, bicycle
        TestTables.greyPng(tmp.resolve("gt/" + name + "_gtFine_labelIds.png"), 3, 2, 7, 8, 26, 0, 9, 33);
        BufferedImage colour = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(colour, "png", tmp.resolve("gt/" + name + "_gtFine_color.png").toFile());
        Row pred = TestTables.ok(name + "_leftImg8bit", "file:/x.png", 3, 2, new int[]{0, 1, 13, 5, 5, 18},
                "city", java.util.stream.IntStream.range(0, 19).mapToObj(c -> "c" + c).toList(), 1);
        EvaluationResult r = evaluate(masks(pred), null, GroundTruthLayout.CITYSCAPES, 19);
        assertEquals(0, r.unmatchedGroundTruth(), "the colour rendering is not ground truth");
        assertEquals(2, r.matrix().ignoredPixels());
        assertEquals(1, r.metrics().areaLabel()[13]);
        assertEquals(1, r.metrics().areaLabel()[18]);
        assertEquals(0, r.metrics().areaPrediction()[5], "pole predicted only on ignored pixels");
        assertEquals(1.0, r.metrics().mIoU());
    }

    @Test
    void unmatchedOnBothSidesAreReported() throws IOException {
        TestTables.labelPng(tmp.resolve("gt/x.png"), 4, 2, new int[8]);
        TestTables.labelPng(tmp.resolve("gt/lonely.png"), 4, 2, new int[8]);
        EvaluationResult r = evaluate(masks(ok("x", new int[8], 1), ok("extra", new int[8], 1)), null,
                GroundTruthLayout.VOC21, 3);
        assertEquals(1, r.images());
        assertEquals(1, r.unmatchedPredictions());
        assertEquals(List.of("extra"), r.unmatchedPredictionExamples());
        assertEquals(List.of("lonely.png"), r.unmatchedGroundTruthExamples());
        assertTrue(EvaluationReport.console(r).contains("1 predictions have no ground truth, e.g. extra"));
    }

    @Test
    void newestOkRowWinsAndUncomparableImagesAreSkippedByName() throws IOException {
        TestTables.labelPng(tmp.resolve("gt/x.png"), 4, 2, 0, 0, 0, 0, 1, 1, 1, 1);
        TestTables.labelPng(tmp.resolve("gt/failed.png"), 4, 2, new int[8]);
        TestTables.labelPng(tmp.resolve("gt/small.png"), 2, 2, new int[4]);
        EvaluationResult r = evaluate(masks(
                ok("x", new int[]{2, 2, 2, 2, 2, 2, 2, 2}, 1),
                ok("x", new int[]{0, 0, 0, 0, 1, 1, 1, 1}, 2),
                TestTables.error("x", "file:/img/x.jpg", "voc", "later failure", 3),
                TestTables.error("failed", "file:/img/failed.jpg", "voc", "truncated JPEG", 1),
                ok("small", new int[8], 1)), null, GroundTruthLayout.VOC21, 3);
        assertEquals(1, r.images());
        assertEquals(1.0, r.metrics().aAcc());
        assertEquals(2, r.skipped());
        String why = String.join("\n", r.skippedExamples());
        assertTrue(why.contains("failed: the prediction is an error row (truncated JPEG)"), why);
        assertTrue(why.contains("small: prediction is 4x2") && why.contains("is 2x2"), why);
    }

    @Test
    void badInputsAreNamed() throws IOException {
        String table = masks(ok("x", new int[8], 1),
                TestTables.ok("x", "file:/x.jpg", 4, 2, new int[8], "other", ABC, 1));
        TestTables.labelPng(tmp.resolve("gt/y.png"), 4, 2, new int[8]);
        var several = assertThrows(IllegalArgumentException.class,
                () -> evaluate(table, null, GroundTruthLayout.VOC21, 3));
        assertTrue(several.getMessage().contains("several vocabularies (other, voc)"), several.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> evaluate(table, "coco", GroundTruthLayout.VOC21, 3));
        assertTrue(unknown.getMessage().contains("'coco'"), unknown.getMessage());
        var none = assertThrows(IllegalArgumentException.class,
                () -> evaluate(table, "voc", GroundTruthLayout.VOC21, 3));
        assertTrue(none.getMessage().startsWith("no prediction matches"), none.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> evaluate(tmp.resolve("nope").toString(), null, GroundTruthLayout.VOC21, 3));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    }

    @Test
    void jsonAndParquetCarryTheSameNumbers() throws IOException {
        TestTables.labelPng(tmp.resolve("gt/x.png"), 4, 2, 0, 0, 0, 0, 1, 1, 2, 2);
        EvaluationResult r = evaluate(masks(ok("x", new int[]{0, 0, 0, 0, 1, 1, 0, 0}, 1)), null,
                GroundTruthLayout.VOC21, 3);
        String out = tmp.resolve("out").toUri().toString();
        EvaluationReport.write(spark, r, out);
        JsonNode json = new ObjectMapper().readTree(Files.readString(tmp.resolve("out/metrics.json")));
        assertEquals(r.metrics().mIoU(), json.get("mIoU").asDouble());
        assertEquals(0.0, json.get("classes").get(2).get("iou").asDouble());
        assertEquals(2, json.get("classes").get(2).get("gt_pixels").asLong());
        List<Row> rows = spark.read().parquet(out + "/metrics.parquet").orderBy("row_type", "class_id")
                .collectAsList();
        assertEquals(4, rows.size());
        Row summary = rows.get(3);
        assertEquals("summary", summary.getAs("row_type"));
        assertEquals(r.metrics().mIoU(), (double) summary.getAs("iou"));
        assertEquals(0.75, (double) summary.getAs("a_acc"));
        assertEquals("c2", rows.get(2).getAs("name"));
    }

    @Test
    void commandPrintsTheTableWritesOutputsAndExitsTwoOnBadInput() throws IOException {
        TestTables.labelPng(tmp.resolve("gt/x.png"), 4, 2, 0, 0, 0, 0, 15, 15, I, I);
        String table = masks(TestTables.ok("x", "file:/x.jpg", 4, 2, new int[]{0, 0, 0, 0, 15, 15, 0, 0}, "voc21",
                java.util.stream.IntStream.range(0, 21).mapToObj(c -> "c" + c).toList(), 1));
        var stdout = new java.io.ByteArrayOutputStream();
        var stderr = new java.io.ByteArrayOutputStream();
        EvaluateCommand cmd = new EvaluateCommand();
        cmd.stdout = new java.io.PrintStream(stdout, true, java.nio.charset.StandardCharsets.UTF_8);
        cmd.stderr = new java.io.PrintStream(stderr, true, java.nio.charset.StandardCharsets.UTF_8);
        var cli = new picocli.CommandLine(cmd);
        assertEquals(0, cli.execute("--predictions", table, "--ground-truth", tmp.resolve("gt").toString(),
                "--layout", "voc", "--out", tmp.resolve("out").toString()));
        String console = stdout.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(console.contains("| person ") && console.contains("aAcc 100.00  mIoU 100.00"), console);
        assertTrue(console.contains("| aeroplane ") && console.contains("nan"), "absent classes are nan: " + console);
        assertTrue(Files.exists(tmp.resolve("out/metrics.json")));

        assertEquals(2, cli.execute("--predictions", table, "--ground-truth", tmp.resolve("none").toString(),
                "--layout", "voc"));
        assertEquals(2, cli.execute("--predictions", table, "--ground-truth", tmp.resolve("gt").toString(),
                "--layout", "kitti"));
        assertEquals(2, cli.execute("--predictions", table, "--ground-truth", tmp.resolve("gt").toString(),
                "--layout", "voc", "--num-classes", "300"));
        String errors = stderr.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(3, errors.lines().count(), errors);
        assertTrue(errors.contains("--ground-truth " + tmp.resolve("none") + " does not exist"), errors);
        assertTrue(errors.contains("unknown ground-truth layout 'kitti'"), errors);
        assertTrue(errors.contains("--num-classes must be in 1..255"), errors);
    }
}
