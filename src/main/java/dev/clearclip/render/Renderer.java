package dev.clearclip.render;

import dev.clearclip.io.FileNames;
import dev.clearclip.spark.HadoopConf;
import dev.clearclip.eval.HadoopFiles;
import dev.clearclip.eval.MasksTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Overlays for the ok rows of a masks table: all of them written by the executors ({@link #writeOverlays}), or the
 * first few brought to the driver for a contact sheet or a report ({@link #tiles}). An image that cannot be drawn is
 * named in the result, the others still come out.
 */
public final class Renderer {
    /** how many failures are kept by name */
    static final int EXAMPLES = 10;

    public record Outcome(long written, long failed, List<String> failures) implements java.io.Serializable {
        public Outcome {
            failures = new ArrayList<>(failures);
        }

        Outcome plus(Outcome o) {
            List<String> f = new ArrayList<>(failures);
            f.addAll(o.failures.subList(0, Math.min(o.failures.size(), Math.max(0, EXAMPLES - f.size()))));
            return new Outcome(written + o.written, failed + o.failed, f);
        }
    }

    public record Tiles(List<ContactSheet.Tile> tiles, List<String> failures) {
    }

    private Renderer() {
    }

    public static Dataset<Row> okRows(MasksTable masks, String vocabulary, String runId) {
        return masks.latest(vocabulary, runId).where(col(MasksTable.STATUS).equalTo(lit(MasksTable.OK)));
    }

    /** {@code out/<image_id>.png} for each ok row ({@code limit} null = all) */
    public static Outcome writeOverlays(MasksTable masks, String vocabulary, String runId, Integer limit, String out,
                                        OverlayMaker maker, HadoopConf conf) {
        Dataset<Row> rows = okRows(masks, vocabulary, runId);
        if (limit != null) {
            rows = rows.orderBy(MasksTable.IMAGE_ID).limit(limit);
        }
        String base = out.replaceAll("/+$", "");
        FlatMapFunction<Iterator<Row>, Outcome> draw = it -> {
            long written = 0;
            long failed = 0;
            List<String> failures = new ArrayList<>();
            while (it.hasNext()) {
                Row r = it.next();
                try {
                    // the id is checked before it names a file: ../ would write outside the folder
                    String name = FileNames.require(r.getAs(MasksTable.IMAGE_ID));
                    HadoopFiles.write(base + "/" + name + ".png", maker.overlay(r), conf.get());
                    written++;
                } catch (IOException | RuntimeException e) {
                    if (failed++ < EXAMPLES) {
                        failures.add(e.getMessage());
                    }
                }
            }
            return List.of(new Outcome(written, failed, failures)).iterator();
        };
        return rows.javaRDD().mapPartitions(draw).fold(new Outcome(0, 0, List.of()), Outcome::plus);
    }

    /** overlays of the first {@code count} ok rows by image id, drawn on the driver */
    public static Tiles tiles(MasksTable masks, String vocabulary, String runId, int count, OverlayMaker maker) {
        List<ContactSheet.Tile> tiles = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Row r : okRows(masks, vocabulary, runId).orderBy(MasksTable.IMAGE_ID).limit(count).collectAsList()) {
            try {
                tiles.add(new ContactSheet.Tile(r.getAs(MasksTable.IMAGE_ID), maker.overlay(r)));
            } catch (IOException | RuntimeException e) {
                failures.add(e.getMessage());
            }
        }
        return new Tiles(tiles, failures);
    }
}
