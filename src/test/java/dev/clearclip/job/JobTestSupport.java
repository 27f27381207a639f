package dev.clearclip.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared by the job tests: one local session, running the command in-process, and output checks. */
final class JobTestSupport {

    private JobTestSupport() {
    }

    /** The tiny fixture CLIP (real weights, random values) and two class files, as the CLI takes them. */
    static final String MODEL = fixture("models/tiny-openclip");
    static final String VOC = fixture("text/cls_voc21.txt");
    static final String SYNONYMS = fixture("text/cls_synonyms.txt");

    static String fixture(String relative) {
        try {
            return java.nio.file.Path.of(JobTestSupport.class.getResource("/fixtures/" + relative).toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static SparkSession localSession(String name) {
        return builder(name).getOrCreate();
    }

    /** With Iceberg's SQL extensions, which must be there when the session is made (for --table-format iceberg). */
    static SparkSession icebergSession(String name) {
        SparkSession.Builder b = builder(name);
        dev.clearclip.lake.IcebergTables.sessionSettings().forEach(b::config);
        return b.getOrCreate();
    }

    private static SparkSession.Builder builder(String name) {
        return SparkSession.builder().master("local[2]").appName(name)
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4");
    }

    record Result(int exit, String out, String err) {
    }

    static Result segment(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        dev.clearclip.cli.SegmentCommand command = new dev.clearclip.cli.SegmentCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8), errStream);
        CommandLine cli = new CommandLine(command);
        cli.setErr(new java.io.PrintWriter(errStream, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The newest row of {@code runs} (a run writes one at its start, one per wave and one at its end). */
    static Row lastRunRow(SparkSession spark, String runs) {
        return spark.read().parquet(runs).orderBy(org.apache.spark.sql.functions.col("updated_at").desc()).first();
    }

    /** The end row of the only run in {@code runs}, read without Spark (its other rows say running). */
    static Group finalRunRow(java.nio.file.Path runs) throws IOException {
        List<Group> ended = readWithoutSpark(runs).stream()
                .filter(g -> !g.getString("status", 0).equals("running")).toList();
        assertEquals(1, ended.size(), "one end row");
        return ended.get(0);
    }

    /** Per-class pixels sum to width x height and the PNG decodes to the image size. */
    static void assertMaskConsistent(Row r) throws IOException {
        int w = r.<Integer>getAs("width");
        int h = r.<Integer>getAs("height");
        BufferedImage mask = ImageIO.read(new ByteArrayInputStream(r.<byte[]>getAs("mask_png")));
        assertNotNull(mask, "mask of " + r.getAs("uri") + " decodes");
        assertEquals(w, mask.getWidth());
        assertEquals(h, mask.getHeight());
        long sum = 0;
        for (Row c : r.<Row>getList(r.fieldIndex("classes"))) {
            sum += c.<Long>getAs("pixels");
        }
        assertEquals((long) w * h, sum, "pixels of " + r.getAs("uri"));
    }

    /** Reads every Parquet file under a local folder with parquet-mr's plain reader (no Spark). */
    static List<Group> readWithoutSpark(java.nio.file.Path folder) throws IOException {
        List<Group> rows = new ArrayList<>();
        List<java.nio.file.Path> files;
        try (Stream<java.nio.file.Path> walk = Files.walk(folder)) {
            files = walk.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
        assertTrue(!files.isEmpty(), "parquet files under " + folder);
        for (java.nio.file.Path f : files) {
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), new Path(f.toUri()))
                    .withConf(new Configuration()).build()) {
                for (Group g = reader.read(); g != null; g = reader.read()) {
                    rows.add(g);
                }
            }
        }
        return rows;
    }
}
