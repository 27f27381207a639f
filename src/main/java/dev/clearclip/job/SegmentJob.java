package dev.clearclip.job;

import dev.clearclip.inference.SegmenterSpec;
import dev.clearclip.spark.HadoopConf;
import dev.clearclip.spark.MaskSchema;
import dev.clearclip.spark.PartitionSegmenter;
import dev.clearclip.spark.Provenance;
import dev.clearclip.spark.SegmenterProvider;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * One {@code segment} run: prepare the model and vocabularies on the driver, list the inputs, skip what is done,
 * segment the rest on executors and write {@code masks}, {@code class_stats} and {@code runs} under the output.
 */
public final class SegmentJob {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentJob.class);
    static final String[] TABLES = {"masks", "class_stats", "runs", "runs_json", "labels"};

    private final SparkSession spark;
    private final SegmenterProvider provider;

    public SegmentJob(SparkSession spark, SegmenterProvider provider) {
        this.spark = spark;
        this.provider = provider;
    }

    /** Driver side, before any task: resolves the model and embeds every vocabulary (bad settings throw here). */
    public SegmenterSpec prepare(JobSettings s) {
        return provider.prepare(s.model(), s.vocabularies(), s.segmentation(), s.outputOptions());
    }

    public RunRecord run(JobSettings s, SegmenterSpec spec) throws IOException {
        Instant started = Instant.now();
        String runDate = started.atOffset(ZoneOffset.UTC).toLocalDate().toString();
        String runId = s.runId() != null ? s.runId() : RunIds.next(started);
        Provenance provenance = Provenances.of(spec, s, runId, runDate);
        SparkContext sc = spark.sparkContext();
        sc.setJobGroup("clearclip-" + runId, "clearclip segment " + runId + " -> " + s.output(), false);
        OutputCommitters.configure(spark, s.output());
        // lets adaptive execution shrink the cached listing's 200 shuffle partitions to what a few rows need
        spark.conf().set("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true");
        if (s.overwrite()) {
            deleteOutputs(s);
        }

        describe("list inputs");
        Dataset<Row> inputs = InputCatalog.load(spark, s).persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> todo = IncrementalFilter.apply(spark, inputs, spec, s).persist(StorageLevel.MEMORY_AND_DISK());
        long listed = inputs.count();
        long processing = todo.count();
        LOG.info("run {}: {} input images, {} already done, {} to segment", runId, listed, listed - processing,
                processing);

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        Broadcast<HadoopConf> conf = jsc.broadcast(new HadoopConf(sc.hadoopConfiguration()));
        LongAccumulator loads = sc.longAccumulator("clearclip.model_loads");
        LongAccumulator done = sc.longAccumulator("clearclip.images_done");
        if (processing > 0) {
            Broadcast<SegmenterSpec> specB = jsc.broadcast(spec);
            int partitions = s.partitions() != null ? s.partitions()
                    : (int) Math.max(sc.defaultParallelism(), Math.min(100_000,
                    (processing + s.imagesPerPartition() - 1) / s.imagesPerPartition()));
            PartitionSegmenter segment = new PartitionSegmenter(specB, conf, provider, provenance, s.device(),
                    s.batchSize(), s.maxFileBytes(), loads, done);
            describe("segment " + processing + " images in " + partitions + " partitions");
            try (ProgressLogger progress = new ProgressLogger(done, processing, s.progressSeconds())) {
                todo.repartition(partitions).mapPartitions(segment, Encoders.row(MaskSchema.MASKS))
                        .write().mode(SaveMode.Append).partitionBy("run_date").parquet(s.table("masks"));
                progress.log();
            }
        }
        todo.unpersist();
        inputs.unpersist();

        describe("class statistics");
        long succeeded = 0;
        long failed = 0;
        if (processing > 0) {
            Dataset<Row> runMasks = spark.read().parquet(s.table("masks"))
                    .where(col("run_date").equalTo(lit(runDate)).and(col("run_id").equalTo(lit(runId))));
            Row counts = runMasks.agg(
                    countDistinct(when(col("status").equalTo(lit(MaskSchema.OK)), col("uri"))),
                    countDistinct(when(col("status").equalTo(lit(MaskSchema.ERROR)), col("uri")))).first();
            succeeded = counts.getLong(0);
            failed = counts.getLong(1);
            ClassStatsTable.of(runMasks).coalesce(1).write().mode(SaveMode.Append).partitionBy("run_date")
                    .parquet(s.table("class_stats"));
            if (s.exportLabels()) {
                describe("export labels");
                LabelExport.write(runMasks, s, runId, conf);
            }
        }

        Instant finished = Instant.now();
        double wall = (finished.toEpochMilli() - started.toEpochMilli()) / 1000.0;
        RunRecord run = new RunRecord(runId, runDate, started, finished, "pending",
                s.inputs().isEmpty() ? List.of(Redact.uri(s.manifest())) : s.inputs().stream().map(Redact::uri).toList(),
                Redact.uri(s.output()), listed, listed - processing, processing, succeeded, failed, loads.value(),
                wall, wall > 0 ? processing / wall : 0, spec.modelId(), spec.weightsSha256(),
                spec.vocabularies().stream().map(v -> v.vocabulary()).toList(), provenance.settingsJson(),
                provenance.codeVersion());
        run = RunsTable.finish(run, s.maxErrorRate());
        RunsTable.write(spark, run, s, conf.value());
        sc.clearJobGroup();
        return run;
    }

    private void describe(String phase) {
        spark.sparkContext().setJobDescription("clearclip: " + phase);
    }

    private void deleteOutputs(JobSettings s) throws IOException {
        for (String table : TABLES) {
            Path path = new Path(s.table(table));
            path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
        }
    }
}
