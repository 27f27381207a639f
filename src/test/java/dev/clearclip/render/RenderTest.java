package dev.clearclip.render;

import dev.clearclip.spark.HadoopConf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clearclip.eval.MasksTable;
import dev.clearclip.eval.TestTables;
import dev.clearclip.output.Palette;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RenderTest {
    private static final int W = 8;
    private static final int H = 6;
    private static final List<String> NAMES = List.of("background", "cat", "dog");
    private static SparkSession spark;
    private static Path tables;
    private static OverlayMaker maker;

    @TempDir
    static Path tmp;
    @TempDir
    Path out;

    @BeforeAll
    static void tables() throws IOException {
        spark = TestTables.spark();
        tables = tmp.resolve("job");
        Path a = tmp.resolve("images/a.png");
        Files.createDirectories(a.getParent());
        ImageIO.write(gradient(), "png", a.toFile());
        Path b = tmp.resolve("images/b.jpg");
        ImageIO.write(gradient(), "jpg", b.toFile());
        int[] catRight = new int[W * H];
        int[] dogTop = new int[W * H];
        for (int i = 0; i < catRight.length; i++) {
            catRight[i] = i % W >= W / 2 ? 1 : 0;
            dogTop[i] = i / W < H / 2 ? 2 : 0;
        }
        TestTables.write(spark, tables.resolve("masks"), List.of(
                TestTables.ok("a", a.toUri().toString(), W, H, catRight, "pets", NAMES, 1),
                TestTables.ok("b", b.toUri().toString(), W, H, dogTop, "pets", NAMES, 1),
                TestTables.ok("c", tmp.resolve("images/gone.png").toUri().toString(), W, H, dogTop, "pets", NAMES, 1),
                TestTables.error("d", "file:/images/d.jpg", "pets", "<bad> & broken", 1)));
        StructType stats = new StructType().add("run_id", DataTypes.StringType).add("vocabulary", DataTypes.StringType)
                .add("class_id", DataTypes.IntegerType).add("name", DataTypes.StringType)
                .add("images", DataTypes.LongType).add("pixels", DataTypes.LongType)
                .add("pixel_fraction", DataTypes.DoubleType).add("mean_confidence", DataTypes.DoubleType);
        spark.createDataFrame(List.of(RowFactory.create("run1", "pets", 0, "background", 3L, 72L, 0.5, 0.9),
                        RowFactory.create("run1", "pets", 1, "cat", 1L, 48L, 1 / 3.0, 0.9),
                        RowFactory.create("run1", "pets", 2, "dog", 2L, 24L, 1 / 6.0, 0.9)), stats)
                .write().parquet(tables.resolve("class_stats").toUri().toString());
        StructType runs = new StructType().add("run_id", DataTypes.StringType).add("status", DataTypes.StringType)
                .add("processed", DataTypes.LongType).add("failed", DataTypes.LongType)
                .add("vocabularies", DataTypes.createArrayType(DataTypes.StringType))
                .add("finished_at", DataTypes.TimestampType).add("images_per_second", DataTypes.DoubleType)
                .add("settings", DataTypes.StringType);
        spark.createDataFrame(List.<Row>of(RowFactory.create("run1", "succeeded", 4L, 1L,
                        scala.jdk.javaapi.CollectionConverters.asScala(List.of("pets")).toList(),
                        new Timestamp(0), 0.09611687812379854, "{\"vocabularies\":[{\"name\":\"pets\"}],\"batch_size\":8}")), runs)
                .write().parquet(tables.resolve("runs").toUri().toString());
        maker = new OverlayMaker(new HadoopConf(spark.sparkContext().hadoopConfiguration()),
                Palette.voc(256));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static BufferedImage gradient() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                img.setRGB(x, y, (x * 30) << 16 | (y * 40) << 8 | 200);
            }
        }
        return img;
    }

    private static MasksTable masks() {
        return MasksTable.read(spark, tables.resolve("masks").toUri().toString());
    }

    private static BufferedImage png(byte[] bytes) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        assertNotNull(img, "a PNG");
        return img;
    }

    @Test
    void overlaysForEveryOkImageAndMissingSourcesNamed() throws IOException {
        Renderer.Outcome o = Renderer.writeOverlays(masks(), "pets", null, null, out.toUri().toString(), maker,
                new HadoopConf(spark.sparkContext().hadoopConfiguration()));
        assertEquals(2, o.written());
        assertEquals(1, o.failed());
        assertTrue(o.failures().get(0).contains("gone.png"), o.failures().toString());
        BufferedImage a = ImageIO.read(out.resolve("a.png").toFile());
        assertTrue(a.getWidth() > W, "legend beside the image");
        // inside the cat half: the photo blended half and half with VOC colour 1 (128, 0, 0)
        int rgb = a.getRGB(6, 3);
        assertEquals(Math.round((6 * 30) * 0.5f + 128 * 0.5f), rgb >> 16 & 0xff);
        assertEquals(Math.round(3 * 40 * 0.5f), rgb >> 8 & 0xff);
        assertEquals(0xFF000000 | (30 << 16) | (2 * 40 << 8) | 200, a.getRGB(1, 2), "background is left as is");
        assertTrue(Files.exists(out.resolve("b.png")));
        assertTrue(!Files.exists(out.resolve("d.png")), "error rows have no overlay");
    }

    @Test
    void contactSheetIsAGridOfCaptionedOverlays() throws IOException {
        Renderer.Tiles tiles = Renderer.tiles(masks(), "pets", "run1", 3, maker);
        assertEquals(List.of("a", "b"), tiles.tiles().stream().map(ContactSheet.Tile::caption).toList());
        assertEquals(1, tiles.failures().size());
        BufferedImage sheet = png(ContactSheet.render(tiles.tiles(), 2, 100));
        assertEquals(8 + 2 * (100 + 8), sheet.getWidth());
        assertTrue(colours(sheet) > 20, "pictures, not a blank page");
    }

    @Test
    void chartBarsAreClassSharesInPaletteColours() throws IOException {
        List<ClassChart.Bar> bars = ClassChart.bars(spark.read().parquet(tables.resolve("class_stats").toString()),
                "pets", "run1");
        assertEquals(3, bars.size());
        BufferedImage chart = png(ClassChart.render("pets", bars, 2, Palette.voc(256)));
        assertTrue(count(chart, 0x800000) > 100, "cat's bar in VOC colour 1");
        assertEquals(0, count(chart, 0x008000), "dog is not in the top 2");
    }

    @Test
    void reportIsOneSelfContainedPageThatRendersInChromium() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        RenderCommand cmd = new RenderCommand();
        cmd.stdout = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        cmd.stderr = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int rc = new CommandLine(cmd).execute("report", "--tables", tables.toUri().toString(), "--out",
                out.toString());
        assertEquals(1, rc, "one overlay could not be drawn");
        Path page = out.resolve("report-run1.html");
        String html = Files.readString(page);
        assertTrue(html.contains("<th>status</th><td>succeeded</td>"), "summary from runs");
        assertTrue(html.contains("<th>images_per_second</th><td>0.096</td>"), "numbers formatted");
        assertTrue(html.contains("\n  &quot;batch_size&quot; : 8"), "settings JSON indented so it wraps");
        try (var files = Files.list(out)) {
            assertEquals(List.of(), files.map(Path::toString).filter(f -> f.endsWith(".crc")).toList(), "no .crc");
        }
        assertTrue(html.contains("&lt;bad&gt; &amp; broken"), "error rows, escaped");
        assertTrue(html.contains("gone.png"), "the overlay that failed is named");
        Matcher m = Pattern.compile("src=\"([^\"]*)\"").matcher(html);
        int images = 0;
        while (m.find()) {
            assertTrue(m.group(1).startsWith("data:image/png;base64,"), "self-contained: " + m.group(1));
            png(Base64.getDecoder().decode(m.group(1).substring("data:image/png;base64,".length())));
            images++;
        }
        assertEquals(3, images, "chart and two overlays");
        assertTrue(!html.contains("href=") && !html.contains("url("), "no external references");

        BufferedImage shot = Chromium.screenshot(page, out.resolve("chromium"));
        assertEquals(1200, shot.getWidth());
        assertTrue(colours(shot) > 50, "the page renders with its pictures");
        assertTrue(count(shot, 0x800000) > 100, "the chart's bars are on screen");
    }

    @Test
    void badInputExitsTwoWithOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RenderCommand cmd = new RenderCommand();
        cmd.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandLine cli = new CommandLine(cmd);
        assertEquals(2, cli.execute("chart", "--class-stats", tables.resolve("class_stats").toString(), "--out",
                out.resolve("c.png").toString(), "--top", "0"));
        assertEquals(2, cli.execute("overlays", "--masks", tables.resolve("nope").toString(), "--out",
                out.toString()));
        assertEquals(2, cli.execute("contact-sheet", "--masks", tables.resolve("masks").toString(), "--out",
                out.resolve("s.png").toString(), "--vocabulary", "cars"));
        assertEquals(2, cli.execute());
        String lines = err.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("--top must be positive, got 0"), lines);
        assertTrue(lines.contains("nope"), lines);
        assertTrue(lines.contains("vocabulary 'cars' is not in the masks table (it has pets)"), lines);
    }

    private static int colours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                seen.add(img.getRGB(x, y) & 0xffffff);
            }
        }
        return seen.size();
    }

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return n;
    }
}
