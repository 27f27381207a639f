package dev.clearclip.job;

import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Logs images done / total, images/s and ETA at a fixed interval while the segmentation stage runs. */
final class ProgressLogger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLogger.class);

    private final ScheduledExecutorService timer;
    private final LongAccumulator done;
    private final long total;
    private final long startNanos = System.nanoTime();

    ProgressLogger(LongAccumulator done, long total, int intervalSeconds) {
        this.done = done;
        this.total = total;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clearclip-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::log, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    void log() {
        LOG.info(line(done.value(), total, (System.nanoTime() - startNanos) / 1e9));
    }

    static String line(long done, long total, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 ? formatDuration((total - done) / rate) : "?";
        return String.format(Locale.ROOT, "progress: %d / %d images (%.1f%%), %.2f images/s, ETA %s", done, total,
                total == 0 ? 100.0 : 100.0 * done / total, rate, eta);
    }

    static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
