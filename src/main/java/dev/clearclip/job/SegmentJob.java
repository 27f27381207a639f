package dev.clearclip.job;

import dev.clearclip.io.Redact;
import dev.clearclip.pipeline.PipelinePlan;
import dev.clearclip.spark.HadoopConf;
import dev.clearclip.spark.InputRows;
import dev.clearclip.spark.MaskSchema;
import dev.clearclip.spark.Provenance;
import dev.clearclip.spark.SegmentTask;
import dev.clearclip.spark.ShardTask;
import dev.clearclip.spark.SourceFingerprints;
import dev.clearclip.spark.TaskAttempts;
import dev.clearclip.spark.TaskDevice;
import dev.clearclip.weights.HubAccess;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * One {@code segment} run: prepare the pipeline on the driver, list the inputs, skip what is done, segment the rest
 * on executors and write {@code masks}, {@code class_stats} and {@code runs} under the output. Whatever it changes
 * in the session (job group, SQL and Hadoop settings) is restored when it ends.
 */
public final class SegmentJob {

    /** Exit statuses of {@code segment}: the README lists them. */
    public static final int OK = 0;
    /** The run ended over its error budget: a retry fails the same way. */
    public static final int RUN_FAILED = 1;
    public static final int REFUSED = 2;
    /** Another live run holds the output's lease. */
    public static final int LEASE_HELD = 3;
    /** An error stopped the run (an outage, lost executors): committed waves stay, a rerun continues. */
    public static final int RUN_ERROR = 4;

    private static final Logger LOG = LoggerFactory.getLogger(SegmentJob.class);

    private final SparkSession spark;
    private final HubAccess hub;

    public SegmentJob(SparkSession spark, HubAccess hub) {
        this.spark = spark;
        this.hub = hub;
    }

    /**
     * The whole command: a session (the caller's, else an embedded one on {@code master}), the run, the summary, an
     * exit status. Never exits the JVM: the Transformer's users share it.
     */
    public static int execute(JobSettings settings, String master, Map<String, String> conf, HubAccess hub,
                              PrintWriter out, PrintWriter err) {
        boolean ownSession = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSessions.create(master, ResultTables.sessionSettings(settings, conf));
        try {
            SegmentJob job = new SegmentJob(spark, hub);
            PipelinePlan plan;
            try {
                plan = job.prepare(settings);
            } catch (IllegalArgumentException | dev.clearclip.weights.WeightsException e) {
                err.println("clearclip segment: " + Redact.text(e.getMessage()));
                return REFUSED;
            }
            RunRecord run;
            try {
                run = job.run(settings, plan, System.console() != null ? out : null);
            } catch (OutputLease.HeldException e) {
                err.println("clearclip segment: " + e.getMessage());
                return LEASE_HELD;
            }
            out.print(RunSummary.render(spark, run, settings));
            out.flush();
            if (!run.status().equals(RunsTable.SUCCEEDED)) {
                err.printf("clearclip segment: run %s failed: %d of %d input images are failed in the table (%d in"
                                + " this run), over --max-error-rate %s%n", run.runId(), run.outstandingFailed(),
                        run.listed(), run.failed(), settings.output().maxErrorRate());
                return RUN_FAILED;
            }
            return OK;
        } catch (IllegalArgumentException e) {
            err.println("clearclip segment: " + Redact.text(e.getMessage()));
            return REFUSED;
        } catch (Exception e) {
            err.println("clearclip segment: run failed: " + Redact.text(e.toString()));
            LOG.error("run failed", e); // the driver log keeps the stack for whoever operates the run
            return RUN_ERROR;
        } finally {
            if (ownSession) {
                spark.stop();
            }
        }
    }

    /** Driver side, before any task: device, model and every vocabulary (bad settings throw here). */
    public PipelinePlan prepare(JobSettings s) {
        ResultTables.check(spark, s);
        PipelinePlan plan = PipelinePlan.prepare(s.model(), s.segmentation(), hub);
        TaskDevice.checkOnDriver(spark.sparkContext().getConf(), plan.device(), plan.precision());
        return plan;
    }

    /** {@code terminal}: where to draw a progress bar, or null to log progress lines. */
    public RunRecord run(JobSettings s, PipelinePlan plan, PrintWriter terminal)
            throws IOException, OutputLease.HeldException {
        try (SessionScope scope = new SessionScope(spark)) {
            return run(s, plan, terminal, scope);
        }
    }

    private RunRecord run(JobSettings s, PipelinePlan plan, PrintWriter terminal, SessionScope scope)
            throws IOException, OutputLease.HeldException {
        Instant started = Instant.now();
        String runDate = started.atOffset(ZoneOffset.UTC).toLocalDate().toString();
        String runId = s.output().runId() != null ? s.output().runId() : RunIds.next(started);
        Provenance provenance = Provenances.of(plan, runId, runDate);
        SparkContext sc = spark.sparkContext();
        sc.setJobGroup("clearclip-" + runId, "clearclip segment " + runId + " -> " + Redact.text(s.output().uri()),
                false);
        OutputCommitters.configure(scope, sc.hadoopConfiguration(), s.output().uri());
        // lets adaptive execution shrink the cached listing's 200 shuffle partitions to what a few rows need
        scope.setSql("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true");
        // masks files by bytes: adaptive execution gathers a wave's rows into files of about --target-file-mb
        scope.setSql("spark.sql.adaptive.enabled", "true");
        scope.setSql("spark.sql.adaptive.coalescePartitions.enabled", "true");
        scope.setSql("spark.sql.adaptive.coalescePartitions.parallelismFirst", "false");
        scope.setSql("spark.sql.adaptive.advisoryPartitionSizeInBytes", s.output().targetFileMb() + "m");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        Broadcast<HadoopConf> conf = jsc.broadcast(new HadoopConf(sc.hadoopConfiguration()));

        describe("list inputs");
        // a bad --input is refused before the output is touched
        List<ShardCatalog.Shard> shardList = ShardCatalog.list(sc.hadoopConfiguration(), s.inputs());
        Dataset<Row> listing = shardList == null ? InputCatalog.load(spark, s) : null;
        try (OutputLease lease = s.output().lease() ? OutputLease.acquire(s.output().uri(), runId,
                Duration.ofSeconds(s.output().leaseTimeoutSeconds()), s.output().leaseHeartbeat(),
                sc.hadoopConfiguration(), Clock.systemUTC()) : OutputLease.none(s.output().uri(), runId);
             ResultTables tables = ResultTables.open(spark, s);
             RunInterruption interruption = RunInterruption.install(spark, s, conf, lease, tables)) {
            if (s.output().overwrite()) {
                tables.deleteAll(runId); // only under the lease: never under a live run
                deleteQuietly(s.table("labels"));
                deleteQuietly(s.table("runs_json"));
            }
            describe("earlier runs");
            if (s.output().lease()) {
                // only under the lease is a running run dead; without it, concurrent runs are live
                RunsTable.markAbandoned(spark, tables, runId);
                for (String dead : RunsTable.withoutStatistics(tables, runId)) {
                    LOG.info("run {}: building the statistics of the waves run {} committed before it stopped", runId,
                            dead);
                    statistics(s, tables, dead, conf);
                    RunsTable.statisticsBuilt(spark, tables, dead, runId);
                }
                OrphanUploads.abort(sc.hadoopConfiguration(), s.output().uri());
            }

            LongAccumulator loads = sc.longAccumulator("clearclip.model_loads");
            LongAccumulator done = sc.longAccumulator("clearclip.images_done");
            LongAccumulator samplesSkipped = sc.longAccumulator("clearclip.samples_skipped");
            Broadcast<PipelinePlan> planB = jsc.broadcast(plan);
            JobSettings.Execution e = s.execution();
            SegmentTask task = new SegmentTask(planB, conf, provenance, new SegmentTask.Limits(e.batchSize(),
                    e.maxFileBytes(), s.output().exportLabels(), TaskAttempts.of(sc), attemptLog(s, runId)), loads,
                    done);

            List<Wave> waves = new ArrayList<>();
            ShardRun shards = null;
            Dataset<Row> inputs = null;
            Dataset<Row> todo = null;
            long listed;
            long processing;
            if (shardList != null) {
                shards = ShardRun.plan(spark, tables, shardList, plan, s);
                ShardTask shardTask = new ShardTask(task, conf, s.inputs().extensions(), s.inputs().keepMetadata(),
                        e.maxFileBytes(), plan.queries().size(), samplesSkipped);
                ShardRun run = shards;
                List<List<ShardCatalog.Shard>> shardWaves = shards.waves(waveImages(s, pace(tables, plan)));
                for (int w = 0; w < shardWaves.size(); w++) {
                    List<ShardCatalog.Shard> wave = shardWaves.get(w);
                    int index = w + 1;
                    waves.add(new Wave(() -> run.work(wave).mapPartitions(shardTask, Encoders.row(MaskSchema.MASKS)),
                            wave.size() + " shards, one per task",
                            () -> run.record(tables, wave, index, plan, runId, runDate)));
                }
                listed = shards.skippedSamples();
                processing = -1; // a shard's samples are known once it is read
                LOG.info("run {}: {} shards, {} finished before ({} samples), {} to read in {} wave(s)", runId,
                        shardList.size(), shards.skippedShards(), shards.skippedSamples(), shards.shards(),
                        waves.size());
            } else {
                // table rows carry their bytes and fingerprints: never cached nor mapped, so that a wave's filter
                // on its files reaches the scan
                boolean table = s.inputs().table() != null;
                inputs = table ? listing : SourceFingerprints.fill(listing, conf).persist(StorageLevel.MEMORY_AND_DISK());
                todo = IncrementalFilter.apply(spark, tables, inputs, plan, s);
                todo = table ? todo : todo.persist(StorageLevel.MEMORY_AND_DISK());
                listed = inputs.count();
                double pace = pace(tables, plan); // reads the runs table: once
                long perWaveTarget = waveImages(s, pace);
                List<TableInputs.FileWave> fileWaves = table ? TableInputs.fileWaves(todo, perWaveTarget) : null;
                processing = fileWaves != null ? fileWaves.stream().mapToLong(TableInputs.FileWave::rows).sum()
                        : todo.count();
                Dataset<Row> rows = todo;
                Column[] columns = Arrays.stream(InputRows.WITH_DONE.fieldNames()).map(functions::col)
                        .toArray(Column[]::new);
                if (fileWaves != null) {
                    for (TableInputs.FileWave fw : fileWaves) {
                        int partitions = partitions(e, fw.rows(), pace, sc.defaultParallelism());
                        Dataset<Row> wave = rows.where(col(TableInputs.FILE).isin(fw.files().toArray()))
                                .select(columns);
                        waves.add(new Wave(() -> wave.repartition(partitions).mapPartitions(task,
                                Encoders.row(MaskSchema.MASKS)), fw.files().size() + " table file(s), "
                                + partitions + " partitions", null));
                    }
                } else {
                    int n = processing == 0 ? 0
                            : (int) Math.min(10_000, (processing + perWaveTarget - 1) / perWaveTarget);
                    long perWave = n == 0 ? 0 : (processing + n - 1) / n;
                    int partitions = partitions(e, perWave, pace, sc.defaultParallelism());
                    for (int w = 0; w < n; w++) {
                        Dataset<Row> wave = (n == 1 ? rows : rows.where(pmod(hash(col("uri")), lit(n)).equalTo(w)))
                                .select(columns);
                        waves.add(new Wave(() -> wave.repartition(partitions).mapPartitions(task,
                                Encoders.row(MaskSchema.MASKS)), partitions + " partitions", null));
                    }
                }
                LOG.info("run {}: {} input images, {} already done, {} to segment in {} wave(s)", runId, listed,
                        listed - processing, processing, waves.size());
            }
            if (plan.passes().size() > 1) {
                LOG.info("run {}: {} encoder passes per image (vocabularies with different windows)", runId,
                        plan.passes().size());
            }
            List<String> inputUris = !s.inputs().uris().isEmpty() ? s.inputs().uris().stream().map(Redact::text).toList()
                    : List.of(Redact.text(s.inputs().table() != null ? s.inputs().table().uri()
                    : s.inputs().manifest()));
            RunRecord run = new RunRecord(runId, runDate, started, null, started, RunsTable.RUNNING, waves.size(), 0,
                    inputUris, Redact.text(s.output().uri()), listed, listed - Math.max(0, processing),
                    Math.max(0, processing), 0, 0, 0, 0, 0, 0, plan.modelId(), plan.weightsSha256(),
                    plan.queries().stream().map(v -> v.vocabulary()).toList(), Provenances.runSettingsJson(plan, s),
                    provenance.codeVersion());
            RunsTable.write(spark, tables, run, s, conf.value());
            interruption.running(run);

            if (!waves.isEmpty()) {
                run = segment(s, tables, waves, processing, run, conf, done, terminal, lease, interruption);
            }
            if (todo != null) {
                todo.unpersist();
            }
            // under the lease no other run's notes are live; without it, only this run's are ours to delete
            deleteQuietly(s.output().lease() ? s.output().uri() + "/" + ATTEMPTS : attemptLog(s, runId));

            long[] counts = waves.isEmpty() ? new long[2] : statistics(s, tables, runId, conf);
            if (shards != null) {
                long read = counts[0] + counts[1];
                run = run.withListing(shards.skippedSamples() + samplesSkipped.value() + read,
                        shards.skippedSamples() + samplesSkipped.value(), read);
            }
            describe("error budget");
            long outstanding = shards != null
                    ? IncrementalFilter.outstandingFailures(spark, tables, shards.sources(), "source", plan)
                    : IncrementalFilter.outstandingFailures(spark, tables, inputs.select("uri"), "uri", plan);
            if (inputs != null) {
                inputs.unpersist();
            }
            double wall = (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0;
            run = RunsTable.finish(run.withCounts(counts[0], counts[1], outstanding, loads.value(), wall)
                    .with(RunsTable.RUNNING, null, Instant.now(), run.wavesCommitted()), s.output().maxErrorRate());
            RunsTable.write(spark, tables, run, s, conf.value());
            interruption.finished();
            return run;
        }
    }

    /**
     * One wave: its masks rows (planned when the wave starts, so that it sees the waves before it), what its tasks
     * are, and what to record once it is committed (or null).
     */
    private record Wave(Supplier<Dataset<Row>> masks, String tasks, Runnable committed) {
    }

    /**
     * Segmentation tasks for a wave of {@code images}: {@code --partitions}, else by {@code --images-per-partition},
     * else tasks of about two minutes of a core's work at the cluster's {@code pace} (64 images for ViT-B/16 on a
     * CPU core; many more for a fast model, whose short tasks would spend their time starting and fetching), rounded
     * up to a multiple of the cores so that they finish a wave together. At least one task per core.
     */
    static int partitions(JobSettings.Execution e, long images, double pace, int cores) {
        if (e.partitions() != null) {
            return e.partitions();
        }
        boolean auto = e.imagesPerPartition() == null;
        long perTask = auto ? Math.max(1, (long) (TASK_SECONDS * pace / cores)) : e.imagesPerPartition();
        long tasks = (images + perTask - 1) / perTask;
        if (auto) {
            tasks = (tasks + cores - 1) / cores * cores;
        }
        return (int) Math.max(cores, Math.min(100_000, tasks));
    }

    private static final int TASK_SECONDS = 120;

    /**
     * The cluster's images per second: the last run's pace, or on a first run one estimated from the model's work at
     * what a CPU core does (~150 GFLOP/s of encoder work, ~5 ms per image around it; ViT-B/16 on VOC-sized photos
     * comes to ~0.5 images/s per core).
     */
    private double pace(ResultTables tables, PipelinePlan plan) {
        double perSecond = RunsTable.lastPace(tables);
        if (perSecond <= 0) {
            double gflop = plan.typicalImageGflop();
            double perCore = Double.isFinite(gflop) ? 1 / (gflop / 150 + 0.005) : 0.5;
            perSecond = perCore * spark.sparkContext().defaultParallelism();
        }
        return perSecond;
    }

    /** Images per wave: {@code --commit-every}, else about an hour of the cluster's work at its pace. */
    private static long waveImages(JobSettings s, double pace) {
        return s.execution().commitEvery() != null ? s.execution().commitEvery()
                : Math.max(100, (long) (3600 * pace));
    }

    /**
     * Runs the waves in order; each is its own Spark write job, so its rows are committed (and recorded in
     * {@code runs}) before the next wave starts. {@code processing}: images to do, or -1 when not known (shards).
     */
    private RunRecord segment(JobSettings s, ResultTables tables, List<Wave> waves, long processing, RunRecord run,
                              Broadcast<HadoopConf> conf, LongAccumulator done, PrintWriter terminal,
                              OutputLease lease, RunInterruption interruption) throws IOException {
        SparkContext sc = spark.sparkContext();
        ImagesDoneListener listener = new ImagesDoneListener(done);
        sc.addSparkListener(listener);
        try (ProgressLogger progress = new ProgressLogger(listener::imagesDone, processing,
                s.execution().progressSeconds(), terminal)) {
            for (int w = 0; w < waves.size(); w++) {
                if (!lease.held()) {
                    throw new IllegalStateException("run " + run.runId() + " lost the lease of its output to another"
                            + " run (its heartbeats stopped for longer than --lease-timeout); stopped after "
                            + w + " of " + waves.size() + " waves");
                }
                Wave wave = waves.get(w);
                describe("segment wave " + (w + 1) + "/" + waves.size() + " ("
                        + (processing >= 0 ? processing + " images in all, " : "") + wave.tasks() + ")");
                tables.commitMasks(wave.masks().get(), run.runId(), w + 1);
                if (wave.committed() != null) {
                    wave.committed().run();
                }
                run = run.with(RunsTable.RUNNING, null, Instant.now(), w + 1);
                if (w + 1 < waves.size()) {
                    RunsTable.write(spark, tables, run, s, conf.value());
                }
                interruption.running(run);
                LOG.info("run {}: wave {}/{} committed", run.runId(), w + 1, waves.size());
            }
        } finally {
            sc.removeSparkListener(listener);
        }
        return run;
    }

    /** Where this run's tasks note what they hand the engine (poison images); removed when the run ends. */
    private static String attemptLog(JobSettings s, String runId) {
        return s.output().uri() + "/" + ATTEMPTS + "/" + runId;
    }

    static final String ATTEMPTS = "_attempts";

    /**
     * {@code class_stats} (and label exports, when asked) of one run's rows, all its waves: this run's at its end,
     * or a dead run's committed waves. Returns its images ok and failed.
     */
    private long[] statistics(JobSettings s, ResultTables tables, String runId, Broadcast<HadoopConf> conf)
            throws IOException {
        describe("class statistics of run " + runId);
        Dataset<Row> runMasks = tables.read("masks", MaskSchema.MASKS).where(col("run_id").equalTo(lit(runId)));
        Row counts = runMasks.agg(
                countDistinct(when(col("status").equalTo(lit(MaskSchema.OK)), col("uri"))),
                countDistinct(when(col("status").equalTo(lit(MaskSchema.ERROR)), col("uri")))).first();
        tables.append("class_stats", ClassStatsTable.of(runMasks), runId, 0);
        if (s.output().exportLabels()) {
            describe("export labels of run " + runId);
            LabelExport.write(runMasks, s, runId, conf);
        }
        return new long[]{counts.getLong(0), counts.getLong(1)};
    }

    private void describe(String phase) {
        spark.sparkContext().setJobDescription("clearclip: " + phase);
    }

    private void deleteQuietly(String uri) {
        try {
            Path path = new Path(uri);
            path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", Redact.text(uri), e.toString());
        }
    }

}
