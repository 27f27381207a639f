package dev.clearclip.pipeline;

import dev.clearclip.model.Precision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The device rule of every entry point: {@code cpu} is the CPU; {@code gpu} and {@code gpu:N} require a GPU and fail
 * with the reason when there is none; {@code auto} takes the assigned GPU, else the CPU with one warning.
 */
public final class Devices {

    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private Devices() {
    }

    /**
     * @param requested   a validated device request (auto, cpu, gpu, gpu:N)
     * @param assignedGpu the GPU this caller may use ("gpu:N"), or null when it has none
     * @param where       who has no GPU, for the error ("Spark assigned no GPU to this task", ...)
     * @return "cpu" or "gpu:N"
     */
    public static String resolve(String requested, String assignedGpu, String where) {
        if (requested.equals("cpu")) {
            return "cpu";
        }
        if (requested.startsWith("gpu:")) {
            if (assignedGpu == null) {
                throw new IllegalStateException("--device " + requested + " needs a GPU, but " + where);
            }
            return requested;
        }
        if (assignedGpu != null) {
            return assignedGpu;
        }
        if (requested.equals("gpu")) {
            throw new IllegalStateException("--device gpu needs a GPU, but " + where);
        }
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("--device auto: {}; running on the CPU", where);
        }
        return "cpu";
    }

    /** fp16 is refused where the run can only be on a CPU (checked on the driver, before any work). */
    public static void checkPrecision(Precision precision, String requested, boolean gpuPossible) {
        if (precision == Precision.FP16 && (requested.equals("cpu") || !gpuPossible)) {
            throw new IllegalArgumentException("--precision fp16 needs a GPU, and this run has none (--device "
                    + requested + (requested.equals("cpu") ? "" : ", no GPU available") + "): CPUs run fp16 several "
                    + "times slower than fp32; use bf16 or fp32");
        }
    }

    /** The DJL device of a resolved device name ("cpu", "gpu:N"). */
    public static ai.djl.Device djl(String device) {
        if (device.equals("cpu")) {
            return ai.djl.Device.cpu();
        }
        if (device.startsWith("gpu:")) {
            return ai.djl.Device.gpu(Integer.parseInt(device.substring(4)));
        }
        throw new IllegalArgumentException("unresolved device '" + device + "': expected cpu or gpu:N");
    }

    /** For commands outside Spark (predict, bench): the first CUDA device libtorch sees, or null. */
    public static String localGpu() {
        int gpus = ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount();
        return gpus > 0 ? "gpu:0" : null;
    }
}
