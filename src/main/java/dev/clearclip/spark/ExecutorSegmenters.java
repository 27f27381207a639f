package dev.clearclip.spark;

import dev.clearclip.inference.ImageSegmenter;
import dev.clearclip.inference.QueryEmbeddings;
import dev.clearclip.inference.SegmenterSpec;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executor JVM's segmenters: one per spec identity and device, loaded on first use and then shared by every task
 * of the JVM (loading the encoder per task or partition would dominate the run time).
 */
public final class ExecutorSegmenters {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorSegmenters.class);
    private static final Map<String, ImageSegmenter> LOADED = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorSegmenters::closeAll, "clearclip-segmenters-close"));
    }

    private ExecutorSegmenters() {
    }

    /** The shared segmenter for {@code spec} on {@code device}; {@code loads} counts actual loads. */
    public static ImageSegmenter get(SegmenterSpec spec, String device, SegmenterProvider provider,
                                     LongAccumulator loads) {
        // computeIfAbsent blocks concurrent tasks on the same key until the one load finishes
        return LOADED.computeIfAbsent(key(spec, device), k -> {
            long start = System.nanoTime();
            if (device.startsWith("cpu")) {
                limitIntraOpThreads(); // before any op: libtorch threads read the setting at their first op
            }
            ImageSegmenter segmenter = provider.open(spec, device);
            if (loads != null) {
                loads.add(1);
            }
            LOG.info("loaded model {} (weights {}) on {} in {} ms", spec.modelId(), shortSha(spec.weightsSha256()),
                    device, (System.nanoTime() - start) / 1_000_000);
            return segmenter;
        });
    }

    /**
     * Each concurrent task owns {@code spark.task.cpus} cores, so libtorch gets that many intra-op threads in the
     * calling task thread (override: {@code spark.clearclip.intraOpThreads}); libtorch's default of all cores in
     * every task would put cores x tasks OpenMP threads on the cores. libtorch keeps the count per calling thread,
     * so every task calls this before its first inference.
     */
    public static void limitIntraOpThreads() {
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        if (env == null) {
            return;
        }
        int threads = env.conf().getInt("spark.clearclip.intraOpThreads", env.conf().getInt("spark.task.cpus", 1));
        dev.clearclip.model.IntraOpThreads.apply(Math.max(1, threads));
    }

    /** Identity of what a segmenter computes: weights, settings, outputs, vocabularies and device. */
    static String key(SegmenterSpec spec, String device) {
        StringBuilder s = new StringBuilder().append(spec.modelId()).append('|').append(spec.weightsSha256())
                .append('|').append(spec.settings()).append('|').append(spec.output()).append('|').append(device);
        for (QueryEmbeddings q : spec.vocabularies()) {
            s.append('|').append(q.vocabulary()).append(':').append(q.sha256());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes and forgets every loaded segmenter (tests; JVM shutdown). */
    public static synchronized void closeAll() {
        for (ImageSegmenter s : LOADED.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("closing a segmenter failed: {}", e.toString());
            }
        }
        LOADED.clear();
    }

    static String shortSha(String sha) {
        return sha == null ? "?" : sha.substring(0, Math.min(12, sha.length()));
    }
}
