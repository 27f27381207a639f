package dev.clearclip.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Shows images done / total, images/s and ETA while the segmentation stage runs: a console bar redrawn every second
 * when standard output is a terminal, else a log line every interval.
 */
final class ProgressLogger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLogger.class);
    private static final int BAR = 30;

    private final ScheduledExecutorService timer;
    private final LongSupplier done;
    private final long total;
    private final PrintWriter terminal;
    private final long startNanos = System.nanoTime();

    /** {@code total}: images to do, or -1 when not known before they are read (shards); {@code terminal}: where to
     * draw the bar, or null to log. */
    ProgressLogger(LongSupplier done, long total, int intervalSeconds, PrintWriter terminal) {
        this.done = done;
        this.total = total;
        this.terminal = terminal;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clearclip-progress");
            t.setDaemon(true);
            return t;
        });
        int period = terminal != null ? 1 : intervalSeconds;
        timer.scheduleAtFixedRate(this::show, period, period, TimeUnit.SECONDS);
    }

    void show() {
        long d = total < 0 ? done.getAsLong() : Math.min(total, done.getAsLong());
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        if (terminal != null) {
            terminal.print("\r" + bar(d, total, seconds));
            terminal.flush();
        } else {
            LOG.info(line(d, total, seconds));
        }
    }

    static String line(long done, long total, double seconds) {
        if (total < 0) {
            return String.format(Locale.ROOT, "progress: %d images, %.2f images/s", done, rate(done, seconds));
        }
        return String.format(Locale.ROOT, "progress: %d / %d images (%.1f%%), %.2f images/s, ETA %s", done, total,
                total == 0 ? 100.0 : 100.0 * done / total, rate(done, seconds), eta(done, total, seconds));
    }

    static String bar(long done, long total, double seconds) {
        if (total < 0) {
            return String.format(Locale.ROOT, "%d images  %.2f images/s ", done, rate(done, seconds));
        }
        int filled = total == 0 ? BAR : (int) (BAR * done / total);
        return String.format(Locale.ROOT, "[%s%s] %d/%d images  %.2f images/s  ETA %s ", "#".repeat(filled),
                " ".repeat(BAR - filled), done, total, rate(done, seconds), eta(done, total, seconds));
    }

    private static double rate(long done, double seconds) {
        return seconds > 0 ? done / seconds : 0;
    }

    private static String eta(long done, long total, double seconds) {
        double rate = rate(done, seconds);
        return rate > 0 ? formatDuration((total - done) / rate) : "?";
    }

    static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    /** Stops the timer and shows the final state (the bar then ends its line). */
    @Override
    public void close() {
        timer.shutdownNow();
        show();
        if (terminal != null) {
            terminal.println();
        }
    }
}
