package dev.clearclip.job;

import dev.clearclip.spark.HadoopConf;
import dev.clearclip.spark.MaskSchema;
import dev.clearclip.spark.SideFileFreeWrites;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Pseudo-labelling export, VOC style, next to the tables: {@code labels/<vocabulary>/SegmentationClass/<image_id>.png}
 * (the label PNG as segmented) and {@code labels/<vocabulary>/ImageSets/Segmentation/<run_id>.txt} (the ids written).
 * Rewriting the same file on a task retry is harmless: same name, same bytes.
 */
final class LabelExport {

    private LabelExport() {
    }

    static void write(Dataset<Row> runMasks, JobSettings s, String runId, Broadcast<HadoopConf> conf)
            throws IOException {
        String base = s.table("labels");
        Dataset<Row> ok = runMasks.where(col("status").equalTo(lit(MaskSchema.OK)))
                .select("vocabulary", "image_id", "mask_png");
        ok.foreachPartition((ForeachPartitionFunction<Row>) rows -> {
            while (rows.hasNext()) {
                Row r = rows.next();
                Path png = new Path(base + "/" + r.getString(0) + "/SegmentationClass/" + r.getString(1) + ".png");
                write(png, (byte[]) r.get(2), conf.value());
            }
        });
        // streamed to the driver in order, so a million ids never sit in memory at once
        Iterator<Row> ids = ok.select("vocabulary", "image_id").orderBy("vocabulary", "image_id").toLocalIterator();
        String current = null;
        FSDataOutputStream list = null;
        try {
            while (ids.hasNext()) {
                Row r = ids.next();
                if (!r.getString(0).equals(current)) {
                    if (list != null) {
                        list.close();
                    }
                    current = r.getString(0);
                    Path path = new Path(base + "/" + current + "/ImageSets/Segmentation/" + runId + ".txt");
                    list = SideFileFreeWrites.create(path, conf.value().get());
                }
                list.write((r.getString(1) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } finally {
            if (list != null) {
                list.close();
            }
        }
    }

    static void write(Path path, byte[] bytes, HadoopConf conf) throws IOException {
        SideFileFreeWrites.write(path, bytes, conf.get());
    }
}
