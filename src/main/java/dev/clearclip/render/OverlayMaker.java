package dev.clearclip.render;

import dev.clearclip.spark.HadoopConf;
import dev.clearclip.eval.HadoopFiles;
import dev.clearclip.eval.LabelImage;
import dev.clearclip.eval.MasksTable;
import dev.clearclip.image.ImageDecodeException;
import dev.clearclip.image.ImageDecoder;
import dev.clearclip.image.RgbImage;
import dev.clearclip.output.Overlay;
import dev.clearclip.output.Palette;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * One masks row (canonical columns of {@link MasksTable}) to its overlay PNG: the source image read from the row's
 * uri through Hadoop (s3a:// works), the mask and the class names from the row, drawn by {@link Overlay}.
 */
public final class OverlayMaker implements Serializable {
    private final HadoopConf conf;
    private final int[] palette;

    public OverlayMaker(HadoopConf conf, Palette palette) {
        this.conf = conf;
        this.palette = palette.colours();
    }

    /** IOException naming the image when the source or the mask cannot be read or their sizes differ */
    public byte[] overlay(Row row) throws IOException {
        String id = row.getAs(MasksTable.IMAGE_ID);
        String uri = row.getAs(MasksTable.URI);
        byte[] png = row.getAs(MasksTable.MASK_PNG);
        if (png == null) {
            throw new IOException(id + ": no mask (status " + row.getAs(MasksTable.STATUS) + ")");
        }
        LabelImage mask = LabelImage.decode(png, "mask of " + id);
        RgbImage image;
        try {
            image = new ImageDecoder().decode(HadoopFiles.read(uri, conf.get()), uri);
        } catch (ImageDecodeException e) {
            throw new IOException(id + ": " + e.getMessage(), e);
        }
        if (image.width() != mask.width() || image.height() != mask.height()) {
            throw new IOException(id + ": the image " + uri + " is " + image.width() + "x" + image.height()
                    + " but its mask is " + mask.width() + "x" + mask.height());
        }
        return Overlay.render(image, mask.labels(), classNames(row, mask.labels()), new Palette(palette));
    }

    /** names by class id from the row's classes column; ids it does not name get "class k" */
    static List<String> classNames(Row row, int[] labels) {
        int max = 0;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c <= max; c++) {
            names.add("class " + c);
        }
        List<Row> classes = row.getList(row.fieldIndex(MasksTable.CLASSES));
        if (classes != null) {
            for (Row c : classes) {
                int id = c.getInt(c.fieldIndex("class_id"));
                String name = c.getAs("name");
                if (id >= 0 && id < names.size() && name != null) {
                    names.set(id, name);
                }
            }
        }
        return names;
    }
}
