package dev.clearclip.job;

import dev.clearclip.lake.IcebergTables;
import dev.clearclip.pipeline.JvmEncoders;
import dev.clearclip.spark.TestImages;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code segment --table-format iceberg}: waves merged on the rerun key, reruns, concurrent runs, outside readers. */
class SegmentJobIcebergTest {

    static SparkSession spark;
    @TempDir
    static Path dir;
    static Path corpus;

    @BeforeAll
    static void start() throws Exception {
        JvmEncoders.closeAll();
        corpus = dir.resolve("corpus");
        Files.createDirectories(corpus);
        for (Map.Entry<String, byte[]> f : TestImages.corpus().entrySet()) {
            Path p = corpus.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, f.getValue());
        }
        spark = JobTestSupport.icebergSession("SegmentJobIcebergTest");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        JvmEncoders.closeAll();
    }

    private static String[] args(String out, String runId, String... more) {
        List<String> a = new ArrayList<>(List.of("--input", corpus.toString(), "--recursive", "--output", out,
                "--model", JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224", "--stride", "112",
                "--classes", JobTestSupport.VOC, "--max-pixels", "40000", "--run-id", runId, "--table-format",
                "iceberg", "--commit-every", "3"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void wavesAreMergedCommitsNameTheirRunAndARerunAddsNothing() throws Exception {
        Path out = dir.resolve("warehouse");
        JobTestSupport.Result r = JobTestSupport.segment(args(out.toUri().toString(), "ice1"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("run ice1  succeeded"), r.out());

        // read without the job: Iceberg's own catalog and generic reader on the warehouse
        HadoopCatalog catalog = new HadoopCatalog(new Configuration(), out.toUri().toString());
        Table masks = catalog.loadTable(TableIdentifier.of(Namespace.of("clearclip"), "masks"));
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> it = IcebergGenerics.read(masks).build()) {
            it.forEach(rows::add);
        }
        assertEquals(8, rows.size(), "8 images (notes.txt filtered), one row each");
        assertEquals(8, new HashSet<>(rows.stream().map(x -> x.getField("uri")).toList()).size());
        assertEquals(4, rows.stream().filter(x -> "ok".equals(x.getField("status"))).count());
        List<Snapshot> snapshots = new ArrayList<>();
        masks.snapshots().forEach(snapshots::add);
        // 8 images hashed into 3 waves: a commit per wave that has rows, each naming its run and wave
        List<String> waves = snapshots.stream().map(s -> s.summary().get(IcebergTables.WAVE)).toList();
        assertTrue(snapshots.size() >= 2 && snapshots.size() <= 3, waves.toString());
        assertEquals(waves.size(), new HashSet<>(waves).size(), "one commit per wave: " + waves);
        assertTrue(Set.of("1", "2", "3").containsAll(waves), waves.toString());
        for (Snapshot s : snapshots) {
            assertEquals("ice1", s.summary().get(IcebergTables.RUN_ID));
        }
        assertTrue(catalog.tableExists(TableIdentifier.of(Namespace.of("clearclip"), "runs")));
        assertTrue(catalog.tableExists(TableIdentifier.of(Namespace.of("clearclip"), "class_stats")));

        // evaluate and render read the namespace folder as they read a Parquet output
        String tables = out.resolve("clearclip").toString();
        assertEquals(8, dev.clearclip.eval.MasksTable.read(spark, tables + "/masks").rows().count());
        Path pages = dir.resolve("pages");
        new picocli.CommandLine(new dev.clearclip.render.RenderCommand()).execute("report", "--tables", tables,
                "--out", pages.toString());
        String html = Files.readString(pages.resolve("report-ice1.html"));
        assertTrue(html.contains("<th>status</th><td>succeeded</td>"), "the summary comes from the Iceberg runs table");

        JobTestSupport.Result again = JobTestSupport.segment(args(out.toUri().toString(), "ice2"));
        assertEquals(0, again.exit(), again.err());
        masks.refresh();
        List<Snapshot> after = new ArrayList<>();
        masks.snapshots().forEach(after::add);
        assertEquals(snapshots.size(), after.size(), "a rerun commits nothing to masks");
        assertTrue(again.out().contains("skipped 8"), again.out());

        int compacted = new picocli.CommandLine(new dev.clearclip.cli.CompactCommand()).execute("--output",
                out.toUri().toString(), "--expire-older-than", "0", "--min-input-files", "2");
        assertEquals(0, compacted);
        masks.refresh();
        List<Record> compactedRows = new ArrayList<>();
        try (CloseableIterable<Record> it = IcebergGenerics.read(masks).build()) {
            it.forEach(compactedRows::add);
        }
        assertEquals(8, compactedRows.size(), "compaction keeps every row");
        List<Snapshot> left = new ArrayList<>();
        masks.snapshots().forEach(left::add);
        assertEquals(1, left.size(), "snapshots older than 0 days expired, the newest kept");
        catalog.close();
    }

    @Test
    void concurrentRunsWithoutTheLeaseOnAnAtomicCatalogNeverDuplicateAKey() throws Exception {
        String prefix = "spark.sql.catalog.lakejdbc";
        spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
        spark.conf().set(prefix + ".type", "jdbc");
        spark.conf().set(prefix + ".uri", "jdbc:sqlite:" + dir.resolve("catalog.db"));
        spark.conf().set(prefix + ".warehouse", dir.resolve("jdbc-warehouse").toUri().toString());
        String out = dir.resolve("shared-output").toUri().toString();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<JobTestSupport.Result>> runs = new ArrayList<>();
            for (String run : List.of("left", "right")) {
                runs.add(pool.submit(() -> JobTestSupport.segment(args(out, run, "--catalog", "lakejdbc",
                        "--no-lease"))));
            }
            for (Future<JobTestSupport.Result> f : runs) {
                JobTestSupport.Result r = f.get();
                assertEquals(0, r.exit(), r.err());
            }
        } finally {
            pool.shutdownNow();
        }
        Dataset<Row> masks = spark.table("lakejdbc.clearclip.masks");
        assertEquals(8, masks.count(), "each image once, whichever run committed it");
        assertEquals(8, masks.select("uri", "vocabulary_sha256").distinct().count());
    }

    @Test
    void noLeaseIsRefusedForParquetAndForAHadoopWarehouseOnTheLocalFileSystem() {
        String out = dir.resolve("refused").toUri().toString();
        JobTestSupport.Result parquet = JobTestSupport.segment("--input", corpus.toString(), "--output", out,
                "--model", JobTestSupport.MODEL, "--classes", JobTestSupport.VOC, "--no-lease");
        assertEquals(2, parquet.exit());
        assertTrue(parquet.err().contains("--no-lease"), parquet.err());
        JobTestSupport.Result hadoop = JobTestSupport.segment(args(out, "x", "--no-lease"));
        assertEquals(2, hadoop.exit());
        assertTrue(hadoop.err().contains("--no-lease"), hadoop.err());
    }
}
