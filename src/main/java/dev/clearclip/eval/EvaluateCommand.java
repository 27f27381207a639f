package dev.clearclip.eval;

import dev.clearclip.io.Redact;
import dev.clearclip.config.VocabularySource;
import dev.clearclip.vocabulary.Vocabulary;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clearclip evaluate}: mIoU and friends of predictions against a benchmark's ground truth. Exit 0 when every
 * matched image was compared, 1 when some had to be skipped (the numbers are still written), 2 for bad input.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compare predictions (a masks table or a folder of label PNGs) with ground-truth label PNGs "
                + "and report per-class IoU/Acc, mIoU, mAcc, aAcc and fwIoU as mmseg's IoUMetric defines them.")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--predictions", required = true, paramLabel = "URI",
            description = "the job's masks table (folder of Parquet) or a folder of label PNGs")
    String predictions;
    @Option(names = "--vocabulary", paramLabel = "NAME", description = "vocabulary of the masks table to evaluate "
            + "(default: its only one)")
    String vocabulary;
    @Option(names = "--ground-truth", required = true, paramLabel = "DIR", description = "folder of ground-truth "
            + "label PNGs (searched recursively)")
    String groundTruth;
    @Option(names = "--layout", required = true, paramLabel = "LAYOUT", description = "voc21 (voc), voc20, "
            + "context60 (context), context59, coco-object, coco-stuff, coco-stuff-raw, ade20k, cityscapes")
    String layout;
    @Option(names = "--num-classes", paramLabel = "N", description = "classes evaluated (default: the layout's)")
    Integer numClasses;
    @Option(names = "--class-names", paramLabel = "PRESET|FILE", description = "class names for the tables "
            + "(default: the layout's preset)")
    String classNames;
    @Option(names = "--out", paramLabel = "DIR", description = "write metrics.json and metrics.parquet here")
    String out;
    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default local[*], or what "
            + "spark-submit set)")
    String master;

    PrintStream stdout = System.out;
    PrintStream stderr = System.err;

    @Override
    public Integer call() {
        EvaluationSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        SparkSession spark = session(master, "clearclip evaluate");
        try {
            EvaluationResult result = new Evaluator(spark).evaluate(settings);
            stdout.print(EvaluationReport.console(result));
            if (settings.out() != null) {
                EvaluationReport.write(spark, result, settings.out());
                stdout.println("wrote " + settings.out() + "/metrics.json and metrics.parquet");
            }
            return result.skipped() > 0 ? 1 : 0;
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        } catch (Exception e) {
            stderr.println("clearclip evaluate: failed: " + Redact.text(e.toString()));
            return 1;
        }
    }

    EvaluationSettings settings() {
        GroundTruthLayout l = GroundTruthLayout.parse(layout);
        int n = numClasses != null ? numClasses : l.defaultClasses();
        return new EvaluationSettings(predictions, vocabulary, groundTruth, l, n, names(l, n), out);
    }

    private List<String> names(GroundTruthLayout l, int n) {
        List<String> names = Vocabulary.parse("names",
                VocabularySource.resolve(classNames != null ? classNames : l.preset()).text()).classNames();
        if (classNames != null && names.size() != n) {
            throw new IllegalArgumentException("--class-names " + classNames + " has " + names.size()
                    + " classes, --num-classes is " + n);
        }
        List<String> out = new ArrayList<>(names.subList(0, Math.min(n, names.size())));
        for (int c = out.size(); c < n; c++) {
            out.add("class_" + c);
        }
        return out;
    }

    private int bad(String message) {
        stderr.println("clearclip evaluate: " + Redact.text(message));
        return 2;
    }

    /** the session spark-submit made, else an embedded one on {@code master} (default local[*]) */
    public static SparkSession session(String master, String appName) {
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        if (master != null) {
            b.master(master);
        } else if (!new SparkConf().contains("spark.master")) {
            b.master("local[*]");
        }
        return b.getOrCreate();
    }
}
