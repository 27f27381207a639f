package dev.clearclip.eval;

import dev.clearclip.output.LabelPng;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Small masks tables and label PNGs as the job writes them, built in tests. */
public final class TestTables {
    public static final StructType CLASS = dev.clearclip.spark.MaskSchema.CLASS;
    public static final StructType MASKS = new StructType()
            .add("image_id", DataTypes.StringType, false)
            .add("uri", DataTypes.StringType, false)
            .add("width", DataTypes.IntegerType, true)
            .add("height", DataTypes.IntegerType, true)
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true)
            .add("vocabulary", DataTypes.StringType, false)
            .add("mask_png", DataTypes.BinaryType, true)
            .add("classes", new ArrayType(CLASS, false), true)
            .add("run_id", DataTypes.StringType, false)
            .add("processed_at", DataTypes.TimestampType, false)
            .add("run_date", DataTypes.StringType, false);

    private TestTables() {
    }

    public static SparkSession spark() {
        return SparkSession.builder().master("local[2]").appName("test").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }

    public static Row ok(String id, String uri, int w, int h, int[] labels, String vocabulary, List<String> names,
                         long time) {
        long[] n = new long[names.size()];
        for (int l : labels) {
            n[l]++;
        }
        List<Row> classes = new ArrayList<>();
        for (int c = 0; c < n.length; c++) {
            if (n[c] > 0) {
                classes.add(RowFactory.create(c, names.get(c), n[c], (double) n[c] / labels.length, 0.9));
            }
        }
        return RowFactory.create(id, uri, w, h, "ok", null, vocabulary, LabelPng.encode(labels, w, h, 256),
                scala.jdk.javaapi.CollectionConverters.asScala(classes).toList(), "run1", new Timestamp(time),
                "2025-01-01");
    }

    public static Row error(String id, String uri, String vocabulary, String message, long time) {
        return RowFactory.create(id, uri, null, null, "error", message, vocabulary, null, null, "run1",
                new Timestamp(time), "2025-01-01");
    }

    /** written like the job: Parquet partitioned by run_date */
    public static String write(SparkSession spark, Path dir, List<Row> rows) {
        String uri = dir.toUri().toString();
        spark.createDataFrame(rows, MASKS).write().partitionBy("run_date").parquet(uri);
        return uri;
    }

    public static void labelPng(Path file, int w, int h, int... labels) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, LabelPng.encode(labels, w, h, 256));
    }

    /** an 8-bit greyscale PNG, as Cityscapes ships its *_labelIds.png */
    public static void greyPng(Path file, int w, int h, int... values) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < values.length; i++) {
            px[i] = (byte) values[i];
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }
}
