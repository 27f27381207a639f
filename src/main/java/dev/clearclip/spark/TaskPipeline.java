package dev.clearclip.spark;

import dev.clearclip.inference.ImageInput;
import dev.clearclip.inference.ImageOutcome;
import dev.clearclip.inference.RejectedInputException;
import dev.clearclip.model.IntraOpThreads;
import dev.clearclip.pipeline.PipelinePlan;
import dev.clearclip.pipeline.PipelinedBatches;
import dev.clearclip.pipeline.SegmentationPipeline;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The partition loop shared by the job and the Transformer: opens the pipeline on the task's device (the JVM's
 * shared encoder), streams the partition's rows through it and pairs every outcome with the row it came from.
 * The pipeline and its decode thread are closed when the task ends.
 */
final class TaskPipeline {

    /** The output rows of one input row and its outcome. */
    @FunctionalInterface
    interface RowBuilder {
        List<Row> rows(SegmentationPipeline pipeline, Row input, ImageOutcome outcome);
    }

    private TaskPipeline() {
    }

    static Iterator<Row> run(Iterator<Row> rows, PipelinePlan plan, int batchSize, int maxAttempts,
                             LongAccumulator loads, LongAccumulator imagesDone, Function<Row, ImageInput> toInput,
                             RowBuilder toRows) {
        return run(rows, plan, batchSize, maxAttempts, null, loads, imagesDone, toInput, toRows);
    }

    /** {@code log}: this attempt's poison-image log, or null (the Transformer, which has no output of its own). */
    static Iterator<Row> run(Iterator<Row> rows, PipelinePlan plan, int batchSize, int maxAttempts, AttemptLog log,
                             LongAccumulator loads, LongAccumulator imagesDone, Function<Row, ImageInput> toInput,
                             RowBuilder toRows) {
        if (!rows.hasNext()) {
            return List.<Row>of().iterator(); // an empty partition loads nothing
        }
        String device = TaskDevice.resolve(plan.device());
        if (device.equals("cpu")) {
            limitIntraOpThreads(); // before the first op on this thread: libtorch keeps the count per thread
        }
        SegmentationPipeline pipeline = SegmentationPipeline.open(plan, device, loads == null ? null : () -> loads.add(1));
        ArrayDeque<Row> pending = new ArrayDeque<>();
        Iterator<ImageInput> inputs = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public ImageInput next() {
                Row r = rows.next();
                pending.add(r);
                ImageInput in = toInput.apply(r);
                if (log != null && log.quarantined(in.uri())) {
                    return new ImageInput(in.uri(), () -> {
                        throw new RejectedInputException(AttemptLog.QUARANTINED);
                    });
                }
                return in;
            }
        };
        // after a dead executor, its images go one at a time so that a second death names the image
        int batch = log != null && log.hasSuspects() ? 1 : batchSize;
        Consumer<List<String>> hook = testHook();
        PipelinedBatches<?> outcomes = pipeline.segmentStream(inputs, batch, uris -> {
            if (log != null) {
                log.note(uris);
            }
            if (hook != null) {
                hook.accept(uris);
            }
        });
        TaskContext task = TaskContext.get();
        // another attempt is left: a transient failure fails the task so that Spark retries it, maybe elsewhere
        boolean retryLeft = task != null && task.attemptNumber() + 1 < maxAttempts;
        if (task != null) {
            task.addTaskCompletionListener(new TaskCompletionListener() {
                @Override
                public void onTaskCompletion(TaskContext context) {
                    outcomes.close();
                    pipeline.close();
                    if (log != null) {
                        log.clear();
                    }
                }
            });
        }
        return new Iterator<>() {
            private Iterator<Row> ready = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                while (!ready.hasNext() && outcomes.hasNext()) {
                    ImageOutcome o = outcomes.next();
                    Row in = pending.poll();
                    ENGINE_HEALTH.record(o);
                    if (o.transientError() && retryLeft) {
                        throw new TransientImageFailure(o.uri(), o.error(), task.attemptNumber() + 1, maxAttempts);
                    }
                    ready = toRows.rows(pipeline, in, o).iterator();
                    if (imagesDone != null) {
                        imagesDone.add(1); // per image: running tasks report it with their heartbeats
                    }
                }
                return ready.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.next();
            }
        };
    }

    private static final EngineHealth ENGINE_HEALTH = new EngineHealth();

    /**
     * Tests only: {@code spark.clearclip.test.beforeEncodeHook} names a {@code Consumer<List<String>>} class (on the
     * executors' class path, never in the shipped jar) called with each batch's uris before the engine, e.g. to
     * halt the JVM on a poison image.
     */
    @SuppressWarnings("unchecked")
    private static Consumer<List<String>> testHook() {
        SparkEnv env = SparkEnv.get();
        String name = env == null ? null : env.conf().get("spark.clearclip.test.beforeEncodeHook", null);
        if (name == null) {
            return null;
        }
        try {
            return (Consumer<List<String>>) Class.forName(name, true, Thread.currentThread().getContextClassLoader())
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("spark.clearclip.test.beforeEncodeHook " + name + ": " + e, e);
        }
    }

    /** Fails a task attempt on an image that could not be read or segmented for a reason that may pass. */
    static final class TransientImageFailure extends RuntimeException {
        TransientImageFailure(String uri, String error, int attempt, int attempts) {
            super("transient failure on " + dev.clearclip.io.Redact.text(uri) + " (task attempt " + attempt + " of "
                    + attempts + ", retried): " + dev.clearclip.io.Redact.text(error));
        }
    }

    /**
     * Each concurrent task owns {@code spark.task.cpus} cores, so libtorch gets that many intra-op threads in the
     * calling task thread (override: {@code spark.clearclip.intraOpThreads}); libtorch's default of all cores in
     * every task would put cores x tasks OpenMP threads on the cores.
     */
    static void limitIntraOpThreads() {
        SparkEnv env = SparkEnv.get();
        if (env == null) {
            return;
        }
        int threads = env.conf().getInt("spark.clearclip.intraOpThreads", env.conf().getInt("spark.task.cpus", 1));
        IntraOpThreads.apply(Math.max(1, threads));
    }
}
