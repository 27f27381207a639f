package dev.clearclip.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * An evaluation as people and programs read it: a console table in mmseg's style (percent, 2 decimals), JSON
 * (fractions, NaN as null) and Parquet (one row per class, then one summary row with class_id null).
 */
public final class EvaluationReport {
    public static final StructType PARQUET = new StructType()
            .add("row_type", DataTypes.StringType, false)
            .add("class_id", DataTypes.IntegerType, true)
            .add("name", DataTypes.StringType, false)
            .add("iou", DataTypes.DoubleType, true)
            .add("acc", DataTypes.DoubleType, true)
            .add("a_acc", DataTypes.DoubleType, true)
            .add("fw_iou", DataTypes.DoubleType, true)
            .add("gt_pixels", DataTypes.LongType, false)
            .add("predicted_pixels", DataTypes.LongType, false)
            .add("intersect_pixels", DataTypes.LongType, false)
            .add("images", DataTypes.LongType, false)
            .add("layout", DataTypes.StringType, false)
            .add("vocabulary", DataTypes.StringType, true)
            .add("predictions", DataTypes.StringType, false)
            .add("ground_truth", DataTypes.StringType, false);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EvaluationReport() {
    }

    public static String console(EvaluationResult r) {
        SegmentationMetrics m = r.metrics();
        List<String> names = r.settings().classNames();
        int w = Math.max(5, names.stream().mapToInt(String::length).max().orElse(5));
        StringBuilder sb = new StringBuilder();
        String rule = "+" + "-".repeat(w + 2) + "+--------+--------+\n";
        sb.append(rule).append(String.format(Locale.ROOT, "| %-" + w + "s |    IoU |    Acc |%n", "Class")).append(rule);
        for (int c = 0; c < m.numClasses(); c++) {
            sb.append(String.format(Locale.ROOT, "| %-" + w + "s | %6s | %6s |%n", names.get(c), pct(m.iou()[c]),
                    pct(m.accuracy()[c])));
        }
        sb.append(rule);
        sb.append(String.format(Locale.ROOT, "aAcc %s  mIoU %s  mAcc %s  fwIoU %s  (%d images, %s)%n", pct(m.aAcc()),
                pct(m.mIoU()), pct(m.mAcc()), pct(m.fwIoU()), r.images(), r.settings().layout().cliName()));
        notes(r).forEach(n -> sb.append(n).append('\n'));
        return sb.toString();
    }

    /** what the numbers leave out, one line each */
    public static List<String> notes(EvaluationResult r) {
        List<String> out = new ArrayList<>();
        if (r.unmatchedPredictions() > 0) {
            out.add(r.unmatchedPredictions() + " predictions have no ground truth, e.g. "
                    + String.join(", ", r.unmatchedPredictionExamples()));
        }
        if (r.unmatchedGroundTruth() > 0) {
            out.add(r.unmatchedGroundTruth() + " ground-truth files have no prediction, e.g. "
                    + String.join(", ", r.unmatchedGroundTruthExamples()));
        }
        if (r.skipped() > 0) {
            out.add(r.skipped() + " matched images were skipped: " + String.join("; ", r.skippedExamples()));
        }
        if (r.matrix().outsideGroundTruthPixels() > 0) {
            out.add(r.matrix().outsideGroundTruthPixels() + " ground-truth pixels have a label >= "
                    + r.settings().numClasses() + " that is not 255 (wrong --layout or --num-classes?)");
        }
        if (r.matrix().outsidePredictionPixels() > 0) {
            out.add(r.matrix().outsidePredictionPixels() + " predicted pixels have a class >= "
                    + r.settings().numClasses() + " (vocabulary larger than --num-classes?)");
        }
        return out;
    }

    public static String json(EvaluationResult r) throws IOException {
        SegmentationMetrics m = r.metrics();
        ObjectNode root = JSON.createObjectNode();
        root.put("predictions", r.settings().predictions());
        root.put("vocabulary", r.vocabulary());
        root.put("ground_truth", r.settings().groundTruth());
        root.put("layout", r.settings().layout().cliName());
        root.put("num_classes", r.settings().numClasses());
        root.put("images", r.images());
        number(root, "aAcc", m.aAcc());
        number(root, "mIoU", m.mIoU());
        number(root, "mAcc", m.mAcc());
        number(root, "fwIoU", m.fwIoU());
        ArrayNode classes = root.putArray("classes");
        for (int c = 0; c < m.numClasses(); c++) {
            ObjectNode n = classes.addObject();
            n.put("class_id", c);
            n.put("name", r.settings().classNames().get(c));
            number(n, "iou", m.iou()[c]);
            number(n, "acc", m.accuracy()[c]);
            n.put("gt_pixels", m.areaLabel()[c]);
            n.put("predicted_pixels", m.areaPrediction()[c]);
            n.put("intersect_pixels", m.areaIntersect()[c]);
        }
        root.put("ignored_pixels", r.matrix().ignoredPixels());
        root.put("outside_gt_pixels", r.matrix().outsideGroundTruthPixels());
        root.put("outside_prediction_pixels", r.matrix().outsidePredictionPixels());
        root.put("unmatched_predictions", r.unmatchedPredictions());
        root.set("unmatched_prediction_examples", JSON.valueToTree(r.unmatchedPredictionExamples()));
        root.put("unmatched_ground_truth", r.unmatchedGroundTruth());
        root.set("unmatched_ground_truth_examples", JSON.valueToTree(r.unmatchedGroundTruthExamples()));
        root.put("skipped", r.skipped());
        root.set("skipped_examples", JSON.valueToTree(r.skippedExamples()));
        return JSON.writeValueAsString(root);
    }

    public static List<Row> rows(EvaluationResult r) {
        SegmentationMetrics m = r.metrics();
        EvaluationSettings s = r.settings();
        List<Row> rows = new ArrayList<>();
        for (int c = 0; c < m.numClasses(); c++) {
            rows.add(RowFactory.create("class", c, s.classNames().get(c), orNull(m.iou()[c]), orNull(m.accuracy()[c]),
                    null, null, m.areaLabel()[c], m.areaPrediction()[c], m.areaIntersect()[c], r.images(),
                    s.layout().cliName(), r.vocabulary(), s.predictions(), s.groundTruth()));
        }
        rows.add(RowFactory.create("summary", null, "all", orNull(m.mIoU()), orNull(m.mAcc()), orNull(m.aAcc()),
                orNull(m.fwIoU()), sum(m.areaLabel()), sum(m.areaPrediction()), sum(m.areaIntersect()), r.images(),
                s.layout().cliName(), r.vocabulary(), s.predictions(), s.groundTruth()));
        return rows;
    }

    /** {@code out/metrics.json} and {@code out/metrics.parquet} (both replaced) */
    public static void write(SparkSession spark, EvaluationResult r, String out) throws IOException {
        String base = out.replaceAll("/+$", "");
        HadoopFiles.write(base + "/metrics.json", json(r).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                spark.sparkContext().hadoopConfiguration());
        spark.createDataFrame(rows(r), PARQUET).coalesce(1).write().mode(SaveMode.Overwrite)
                .parquet(base + "/metrics.parquet");
    }

    private static void number(ObjectNode n, String key, double v) {
        if (Double.isNaN(v)) {
            n.putNull(key);
        } else {
            n.put(key, v);
        }
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) {
            s += x;
        }
        return s;
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.2f", 100 * v);
    }
}
