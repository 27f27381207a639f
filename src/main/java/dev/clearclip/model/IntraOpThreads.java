package dev.clearclip.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch intra-op threads without oversubscription: cores / concurrent tasks (at least 1), so two Spark tasks on a
 * 2-core executor each get 1 thread instead of 2 x 2 OpenMP threads fighting over 2 cores. libtorch's OpenMP build
 * keeps the thread count per calling thread, so every worker thread applies it itself before its first inference.
 */
public final class IntraOpThreads {
    private IntraOpThreads() {
    }

    public static int perTask(int cores, int concurrentTasks) {
        if (cores <= 0 || concurrentTasks <= 0) {
            throw new IllegalArgumentException("cores " + cores + " and concurrent tasks " + concurrentTasks
                    + " must be positive");
        }
        return Math.max(1, cores / concurrentTasks);
    }

    /** Sets the calling thread's intra-op thread count. */
    public static void apply(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("intra-op threads must be positive, got " + threads);
        }
        ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch: the JNI call below needs it
        JniUtils.setNumThreads(threads);
    }
}
