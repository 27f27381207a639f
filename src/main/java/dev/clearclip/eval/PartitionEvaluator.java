package dev.clearclip.eval;

import dev.clearclip.spark.HadoopConf;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * Executor side: rows of (image_id, gt_uri, status, error, mask_png, pred_uri) to one partial confusion matrix.
 * An image that cannot be compared (error row, unreadable file, size mismatch) is skipped and named, never guessed.
 */
final class PartitionEvaluator implements FlatMapFunction<Iterator<Row>, PartialEvaluation> {
    private final int numClasses;
    private final GroundTruthLayout layout;
    private final HadoopConf conf;

    PartitionEvaluator(int numClasses, GroundTruthLayout layout, HadoopConf conf) {
        this.numClasses = numClasses;
        this.layout = layout;
        this.conf = conf;
    }

    @Override
    public Iterator<PartialEvaluation> call(Iterator<Row> rows) {
        PartialEvaluation partial = new PartialEvaluation(numClasses);
        while (rows.hasNext()) {
            Row r = rows.next();
            String id = r.getString(0);
            String gtUri = r.getString(1);
            if (!MasksTable.OK.equals(r.getString(2))) {
                partial.skip(id + ": the prediction is an error row (" + r.getString(3) + ")");
                continue;
            }
            try {
                String predName = r.isNullAt(5) ? "mask_png of " + id : r.getString(5);
                byte[] predBytes = r.isNullAt(5) ? (byte[]) r.get(4) : HadoopFiles.read(r.getString(5), conf.get());
                if (predBytes == null) {
                    partial.skip(id + ": the prediction row has no mask_png");
                    continue;
                }
                LabelImage pred = LabelImage.decode(predBytes, predName);
                LabelImage gt = LabelImage.decode(HadoopFiles.read(gtUri, conf.get()), gtUri);
                if (pred.width() != gt.width() || pred.height() != gt.height()) {
                    partial.skip(id + ": prediction is " + pred.width() + "x" + pred.height() + ", ground truth "
                            + gtUri + " is " + gt.width() + "x" + gt.height());
                    continue;
                }
                partial.add(layout.toLabels(gt.labels()), pred.labels());
            } catch (IOException | RuntimeException e) {
                partial.skip(id + ": " + e.getMessage());
            }
        }
        return List.of(partial).iterator();
    }
}
