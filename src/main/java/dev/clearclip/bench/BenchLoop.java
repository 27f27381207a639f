package dev.clearclip.bench;

import dev.clearclip.inference.ImageInput;
import dev.clearclip.inference.ImageOutcome;
import dev.clearclip.model.ClipModel;
import dev.clearclip.model.IntraOpThreads;
import dev.clearclip.pipeline.SegmentationPipeline;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The timed part: {@code workers} threads (like Spark tasks sharing one executor) each set their intra-op threads,
 * warm up with their own calls, then take {@code batch}-image slices of the workload until {@code images} are done.
 * The clock starts when every worker is warm.
 */
public final class BenchLoop {
    public record Result(int images, int failed, double seconds, double cpuSeconds, long rssStart, long rssEnd, long heapEnd,
                  int arraysStart, int arraysEnd) {
    }

    private final SegmentationPipeline pipeline;
    private final ClipModel model;
    private final List<byte[]> files;
    private final PrintWriter log;

    public BenchLoop(SegmentationPipeline pipeline, List<byte[]> files, PrintWriter log) {
        this.pipeline = pipeline;
        this.model = pipeline.encoder();
        this.files = files;
        this.log = log;
    }

    public Result run(int images, int batch, int warmup, int workers, int threads) throws Exception {
        return run(images, batch, warmup, workers, threads, null);
    }

    /**
     * {@code profile}: where to write a chrome trace of libtorch's ops run by worker 0 during the timed part (the
     * profiler records the calling thread only), or null.
     */
    public Result run(int images, int batch, int warmup, int workers, int threads, String profile) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Throwable> error = new AtomicReference<>();
        CyclicBarrier warm = new CyclicBarrier(workers + 1);
        int step = Math.max(batch, images / 10);
        List<Thread> pool = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            boolean profiled = profile != null && w == 0;
            Thread t = new Thread(() -> {
                try {
                    IntraOpThreads.apply(threads);
                    for (int k = 0; k < warmup; k++) {
                        for (ImageOutcome o : pipeline.segmentBatch(slice(k * batch, batch))) {
                            if (!o.ok()) { // a broken path would otherwise time how fast it fails
                                throw new IllegalStateException(o.uri() + ": " + o.error());
                            }
                        }
                    }
                    warm.await();
                    if (profiled) {
                        ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
                    }
                    for (int from; (from = next.getAndAdd(batch)) < images; ) {
                        int n = Math.min(batch, images - from);
                        for (ImageOutcome o : pipeline.segmentBatch(slice(from, n))) {
                            if (!o.ok() && failed.getAndIncrement() == 0) {
                                log.printf("  first failed image: %s: %s%n", o.uri(), o.error());
                            }
                        }
                        int total = done.addAndGet(n);
                        if (total / step != (total - n) / step && total < images) {
                            log.printf("  %d/%d images, RSS %s, live native arrays %d%n", total, images,
                                    ProcessMemory.mib(ProcessMemory.rssBytes()), model.liveArrayCount());
                        }
                    }
                    if (profiled) {
                        ai.djl.pytorch.jni.JniUtils.stopProfile(profile);
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                    warm.reset();
                }
            }, "bench-worker-" + w);
            pool.add(t);
            t.start();
        }
        try {
            warm.await();
        } catch (java.util.concurrent.BrokenBarrierException e) {
            for (Thread t : pool) {
                t.join();
            }
            throw new IllegalStateException("a bench worker failed while warming up: " + error.get(), error.get());
        }
        long rssStart = ProcessMemory.rssBytes();
        int arraysStart = model.liveArrayCount();
        long t0 = System.nanoTime();
        long cpu0 = ProcessMemory.cpuNanos();
        for (Thread t : pool) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (error.get() != null) {
            throw new IllegalStateException("a bench worker failed: " + error.get(), error.get());
        }
        double cpuSeconds = (ProcessMemory.cpuNanos() - cpu0) / 1e9;
        return new Result(images, failed.get(), seconds, cpuSeconds, rssStart, ProcessMemory.rssBytes(),
                ProcessMemory.heapUsedBytes(), arraysStart, model.liveArrayCount());
    }

    private List<ImageInput> slice(int from, int n) {
        List<ImageInput> out = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            out.add(new ImageInput("synthetic-" + i, files.get(i % files.size())));
        }
        return out;
    }
}
