package dev.clearclip.pipeline;

import dev.clearclip.model.ClipModel;
import dev.clearclip.weights.ClipCheckpoint;
import dev.clearclip.weights.ModelFolder;
import dev.clearclip.weights.ModelLoader;
import dev.clearclip.weights.Towers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The image encoders of this JVM, one per {@link EncoderKey}, loaded on first use and shared by every task and
 * pipeline of the JVM (loading per task would dominate the run time). Vocabularies and settings are not part of the
 * key: they live in each pipeline's small query bank.
 */
public final class JvmEncoders {

    private static final Logger LOG = LoggerFactory.getLogger(JvmEncoders.class);
    private static final Map<EncoderKey, ClipModel> LOADED = new ConcurrentHashMap<>();
    private static final AtomicLong LOADS = new AtomicLong();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(JvmEncoders::closeAll, "clearclip-encoders-close"));
    }

    private JvmEncoders() {
    }

    /** The shared encoder of {@code plan} on {@code device} ("cpu", "gpu:N"); {@code onLoad} runs on actual loads. */
    public static ClipModel get(PipelinePlan plan, String device, Runnable onLoad) {
        // computeIfAbsent blocks concurrent tasks on the same key until the one load finishes
        return LOADED.computeIfAbsent(plan.encoderKey(device), k -> {
            long start = System.nanoTime();
            ClipModel model = load(plan, device);
            LOADS.incrementAndGet();
            if (onLoad != null) {
                onLoad.run();
            }
            LOG.info("loaded image encoder {} (weights {}, {} {}) on {} in {} ms", plan.modelId(),
                    plan.weightsSha256().substring(0, Math.min(12, plan.weightsSha256().length())),
                    k.lastBlock().label(), k.precision().label(), device, (System.nanoTime() - start) / 1_000_000);
            return model;
        });
    }

    /** Encoders loaded by this JVM since it started (tests count them). */
    public static long loads() {
        return LOADS.get();
    }

    /** Loads the vision tower after checking that the weights are the ones the driver embedded the vocabularies with. */
    private static ClipModel load(PipelinePlan plan, String device) {
        if (plan.modelPath() == null) {
            throw new IllegalStateException("plan for " + plan.modelId() + " has no model folder to load from");
        }
        Path dir = Path.of(plan.modelPath());
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("model folder " + plan.modelPath() + " (for " + plan.modelId() + ") is not "
                    + "on this machine: put it on a path every executor sees, or distribute it with the job");
        }
        ClipCheckpoint vision = ModelLoader.load(ModelFolder.detect(dir, plan.modelId()), Towers.VISION);
        if (!vision.weightsSha256().equals(plan.weightsSha256())) {
            throw new IllegalStateException("weights in " + plan.modelPath() + " have sha256 " + vision.weightsSha256()
                    + " but the driver embedded the vocabularies with " + plan.weightsSha256());
        }
        return ClipModel.load(vision, plan.encoderSettings().attention(), plan.encoderSettings().gaussianStd(),
                plan.encoderSettings().corrections(), Towers.VISION, Devices.djl(device), plan.precision(), plan.kernels());
    }

    /** Closes and forgets every loaded encoder (tests; JVM shutdown). */
    public static synchronized void closeAll() {
        for (ClipModel m : LOADED.values()) {
            try {
                m.close();
            } catch (RuntimeException e) {
                LOG.warn("closing an image encoder failed: {}", e.toString());
            }
        }
        LOADED.clear();
    }
}
