package dev.clearclip.spark;

import dev.clearclip.inference.ImageOutcome;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per JVM: an engine that failed on many images in a row (a sticky CUDA error, a corrupted libtorch state) is
 * broken, and every later image would fail too. An executor then exits, so Spark moves its work elsewhere; in the
 * driver's own JVM (local mode, the Transformer) nothing exits, the task fails with the reason instead.
 * Limit: {@code spark.clearclip.maxConsecutiveEngineErrors} (default 3).
 */
final class EngineHealth {

    /** Exit status of an executor that gave up on its engine (EX_TEMPFAIL: the work is fine, the host is not). */
    static final int BROKEN_ENGINE_EXIT = 75;

    private static final Logger LOG = LoggerFactory.getLogger(EngineHealth.class);

    private final AtomicInteger consecutive = new AtomicInteger();

    void record(ImageOutcome outcome) {
        if (outcome.failure() != ImageOutcome.Failure.ENGINE) {
            if (outcome.ok()) {
                consecutive.set(0);
            }
            return;
        }
        int failures = consecutive.incrementAndGet();
        int limit = limit();
        if (failures < limit) {
            return;
        }
        consecutive.set(0);
        String message = "the image engine failed on " + failures + " images in a row (last: "
                + dev.clearclip.io.Redact.text(outcome.error()) + "); it is treated as broken rather than marking "
                + "every later image failed (spark.clearclip.maxConsecutiveEngineErrors=" + limit + ")";
        SparkEnv env = SparkEnv.get();
        if (env == null || "driver".equals(env.executorId())) {
            throw new IllegalStateException(message);
        }
        LOG.error("executor {} exits: {}", env.executorId(), message);
        System.exit(BROKEN_ENGINE_EXIT);
    }

    private static int limit() {
        SparkEnv env = SparkEnv.get();
        return env == null ? 3 : Math.max(1, env.conf().getInt("spark.clearclip.maxConsecutiveEngineErrors", 3));
    }
}
