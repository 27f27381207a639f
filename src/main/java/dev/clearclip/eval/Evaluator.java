package dev.clearclip.eval;

import dev.clearclip.spark.HadoopConf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Driver side of {@code evaluate}: lists the ground truth, matches predictions to it, then sums per-partition
 * confusion matrices computed on the executors (the label maps never come to the driver).
 */
public final class Evaluator {
    private static final StructType PAIRS = new StructType()
            .add("image_id", DataTypes.StringType, false)
            .add("gt_uri", DataTypes.StringType, false)
            .add("pred_uri", DataTypes.StringType, true);

    private final SparkSession spark;

    public Evaluator(SparkSession spark) {
        this.spark = spark;
    }

    /** IllegalArgumentException for inputs that cannot be evaluated (missing folders, nothing matched, ...) */
    public EvaluationResult evaluate(EvaluationSettings s) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        GroundTruthLayout layout = s.layout();
        List<HadoopFiles.Listed> gt = listOrFail(s.groundTruth(), layout::isGroundTruthFile, conf, "--ground-truth");
        if (gt.isEmpty()) {
            throw new IllegalArgumentException("--ground-truth " + s.groundTruth() + " has no " + layout.cliName()
                    + " label files (*" + layout.fileSuffix() + ")");
        }
        Map<String, String> gtUris = new HashMap<>();
        gt.forEach(f -> gtUris.put(f.relativePath(), f.uri()));

        boolean table = isParquet(s.predictions(), conf);
        String vocabulary = null;
        Dataset<Row> predictions = null;
        Map<String, String> predUris = new HashMap<>();
        List<String> predIds = new ArrayList<>();
        if (table) {
            MasksTable masks = MasksTable.read(spark, s.predictions());
            vocabulary = masks.resolveVocabulary(s.vocabulary());
            predictions = masks.latest(vocabulary, null);
            predIds.addAll(predictions.select(MasksTable.IMAGE_ID).as(Encoders.STRING()).collectAsList());
        } else {
            for (HadoopFiles.Listed f : listOrFail(s.predictions(),
                    n -> n.toLowerCase(Locale.ROOT).endsWith(".png"), conf, "--predictions")) {
                String id = f.relativePath().substring(0, f.relativePath().length() - 4);
                predIds.add(id);
                predUris.put(id, f.uri());
            }
            if (predIds.isEmpty()) {
                throw new IllegalArgumentException("--predictions " + s.predictions()
                        + " holds neither a masks table (Parquet) nor label PNGs");
            }
        }

        Matching m = Matching.of(predIds, gt.stream().map(HadoopFiles.Listed::relativePath).toList(), layout);
        if (m.pairs().isEmpty()) {
            throw new IllegalArgumentException("no prediction matches a ground-truth file: " + predIds.size()
                    + " predictions (e.g. " + first(predIds) + "), " + gt.size() + " ground-truth files (e.g. "
                    + first(gt.stream().map(HadoopFiles.Listed::relativePath).toList()) + ")");
        }
        List<Row> pairRows = new ArrayList<>();
        for (Matching.Pair p : m.pairs()) {
            pairRows.add(RowFactory.create(p.predictionId(), gtUris.get(p.groundTruth()),
                    predUris.get(p.predictionId())));
        }
        int slices = Math.max(spark.sparkContext().defaultParallelism(), Math.min(10_000, pairRows.size() / 32));
        Dataset<Row> pairs = spark.createDataFrame(pairRows, PAIRS);
        Dataset<Row> work = table
                ? pairs.join(predictions, "image_id").select(col("image_id"), col("gt_uri"),
                col(MasksTable.STATUS), col(MasksTable.ERROR), col(MasksTable.MASK_PNG), col("pred_uri"))
                : pairs.select(col("image_id"), col("gt_uri"), lit(MasksTable.OK).as("status"),
                lit(null).cast("string").as("error"), lit(null).cast("binary").as("mask_png"), col("pred_uri"));
        spark.sparkContext().setJobDescription("clearclip evaluate: " + pairRows.size() + " images");
        PartialEvaluation total = work.repartition(slices).javaRDD()
                .mapPartitions(new PartitionEvaluator(s.numClasses(), layout, new HadoopConf(conf)))
                .treeReduce(PartialEvaluation::merge);
        return new EvaluationResult(s, vocabulary, SegmentationMetrics.of(total.matrix()), total.matrix(),
                total.images(), m.unmatchedPredictions().size(), head(m.unmatchedPredictions()),
                m.unmatchedGroundTruth().size(), head(m.unmatchedGroundTruth()), total.skipped(),
                total.skippedExamples());
    }

    private static List<HadoopFiles.Listed> listOrFail(String root, java.util.function.Predicate<String> accept,
                                                        Configuration conf, String option) throws IOException {
        try {
            return HadoopFiles.list(root, accept, conf);
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException(option + " " + root + " does not exist");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + e.getMessage(), e);
        }
    }

    /** a masks table is a folder holding Parquet files (possibly in run_date=... partitions) */
    static boolean isParquet(String uri, Configuration conf) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            throw new IllegalArgumentException("--predictions " + uri + " does not exist");
        }
        if (fs.getFileStatus(p).isFile()) {
            return p.getName().endsWith(".parquet");
        }
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(p, true);
        while (it.hasNext()) {
            if (it.next().getPath().getName().endsWith(".parquet")) {
                return true;
            }
        }
        return false;
    }

    private static List<String> head(List<String> names) {
        return names.subList(0, Math.min(EvaluationResult.EXAMPLES, names.size()));
    }

    private static String first(List<String> names) {
        return names.isEmpty() ? "none" : names.get(0);
    }
}
