package dev.clearclip.job;

import dev.clearclip.spark.HadoopConf;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM (preemption, {@code kubectl delete}, a scheduler's timeout) during a run: the current wave is abandoned
 * (its uncommitted rows never become visible; the next run redoes them), the run is recorded {@code abandoned} and
 * the lease released, so the next run starts at once instead of waiting out the lease timeout. Runs as a Hadoop
 * shutdown hook ahead of Spark's own, which stops the session. A SIGKILL leaves a {@code running} row instead,
 * which the next run marks.
 */
final class RunInterruption implements AutoCloseable {

    /** Above Spark's hook (FileSystem's priority + 30), so the session still works while this runs. */
    private static final int PRIORITY = org.apache.hadoop.fs.FileSystem.SHUTDOWN_HOOK_PRIORITY + 50;
    private static final Logger LOG = LoggerFactory.getLogger(RunInterruption.class);

    private final SparkSession spark;
    private final JobSettings settings;
    private final Broadcast<HadoopConf> conf;
    private final OutputLease lease;
    private final ResultTables tables;
    private final Runnable hook = this::interrupted;
    private volatile RunRecord running;

    private RunInterruption(SparkSession spark, JobSettings settings, Broadcast<HadoopConf> conf, OutputLease lease,
                            ResultTables tables) {
        this.spark = spark;
        this.tables = tables;
        this.settings = settings;
        this.conf = conf;
        this.lease = lease;
    }

    static RunInterruption install(SparkSession spark, JobSettings s, Broadcast<HadoopConf> conf, OutputLease lease,
                                   ResultTables tables) {
        RunInterruption r = new RunInterruption(spark, s, conf, lease, tables);
        ShutdownHookManager.get().addShutdownHook(r.hook, PRIORITY, 25, TimeUnit.SECONDS);
        return r;
    }

    /** The run's state as last recorded; what an interruption records as abandoned. */
    void running(RunRecord run) {
        running = run;
    }

    void finished() {
        running = null;
    }

    private void interrupted() {
        RunRecord run = running;
        if (run == null) {
            return;
        }
        LOG.warn("run {}: stopped by a signal after {} of {} waves; recording it abandoned", run.runId(),
                run.wavesCommitted(), run.wavesTotal());
        try {
            spark.sparkContext().cancelJobGroup("clearclip-" + run.runId());
            RunsTable.write(spark, tables, run.with(RunsTable.ABANDONED, null, Instant.now(), run.wavesCommitted()), settings,
                    conf.value());
        } catch (Exception e) {
            LOG.warn("run {}: could not record the interruption (the next run marks it): {}", run.runId(),
                    e.toString());
        } finally {
            lease.close();
        }
    }

    @Override
    public void close() {
        if (!ShutdownHookManager.get().isShutdownInProgress()) {
            ShutdownHookManager.get().removeShutdownHook(hook);
        }
    }
}
