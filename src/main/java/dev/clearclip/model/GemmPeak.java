package dev.clearclip.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This machine's GEMM peak through the libtorch the encoder runs on: {@code workers} threads of {@code threads}
 * intra-op threads each (the bench's layout) run a large linear layer, (M x K) times (K x N) plus bias, with the
 * kernels the encoder uses for that precision (oneDNN on CPU), over and over; the best of a few rounds counts.
 */
public final class GemmPeak {
    /** ViT-B/16's first MLP linear on two 448x448 windows (2 x 785 tokens): the encoder's biggest GEMM. */
    public static final int M = 1570;
    public static final int K = 768;
    public static final int N = 3072;

    private GemmPeak() {
    }

    /** GFLOP/s (2 FLOP per multiply-add) of all workers together. */
    public static double gflops(Precision precision, Device device, int workers, int threads) throws InterruptedException {
        try (NDManager manager = NDManager.newBaseManager(device);
             MixedPrecision mp = MixedPrecision.create(precision, manager);
             Kernels kernels = Kernels.create(KernelChoice.AUTO, mp, manager)) {
            NDArray x = mp.compute(manager.randomNormal(new Shape(M, K)));
            NDArray w = mp.weight(manager.randomNormal(0, 0.03f, new Shape(N, K), ai.djl.ndarray.types.DataType.FLOAT32));
            NDArray b = mp.weight(manager.zeros(new Shape(N)));
            int calls = 6;
            double best = 0;
            for (int round = 0; round < 3; round++) {
                double seconds = timed(workers, threads, calls, () -> {
                    try (NDManager scope = manager.newSubManager()) {
                        NDArray out = kernels.linear(x, w, b);
                        out.attach(scope);
                    }
                });
                best = Math.max(best, 2.0 * M * K * N * calls * workers / seconds / 1e9);
            }
            return best;
        }
    }

    /** Wall seconds for every worker to run {@code body} {@code calls} times, after one untimed call each. */
    private static double timed(int workers, int threads, int calls, Runnable body) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(workers + 1);
        CyclicBarrier end = new CyclicBarrier(workers + 1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        List<Thread> pool = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(() -> {
                try {
                    IntraOpThreads.apply(threads);
                    body.run();
                    start.await();
                    for (int c = 0; c < calls; c++) {
                        body.run();
                    }
                    end.await();
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                    start.reset();
                    end.reset();
                }
            }, "gemm-peak-" + i);
            pool.add(t);
            t.start();
        }
        long t0 = 0;
        try {
            start.await();
            t0 = System.nanoTime();
            end.await();
        } catch (java.util.concurrent.BrokenBarrierException e) {
            // reported below
        }
        long t1 = System.nanoTime();
        for (Thread t : pool) {
            t.join();
        }
        if (error.get() != null) {
            throw new IllegalStateException("GEMM peak probe failed: " + error.get(), error.get());
        }
        return (t1 - t0) / 1e9;
    }
}
