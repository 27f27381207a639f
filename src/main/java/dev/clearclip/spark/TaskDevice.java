package dev.clearclip.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where a task runs its model: the GPU Spark's resource scheduling assigned to the task
 * ({@code spark.task.resource.gpu.amount}), else the CPU.
 */
public final class TaskDevice {

    private static final Logger LOG = LoggerFactory.getLogger(TaskDevice.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private TaskDevice() {
    }

    /** {@code requested}: "auto" (GPU if assigned), "cpu", or "gpu" (GPU if assigned, warn otherwise). */
    public static String resolve(String requested) {
        String mode = requested.toLowerCase(Locale.ROOT);
        if (mode.equals("cpu")) {
            return "cpu";
        }
        TaskContext task = TaskContext.get();
        String gpu = task == null ? null : assignedGpu(task.resourcesJMap());
        if (gpu != null) {
            return gpu;
        }
        if (mode.equals("gpu") && WARNED.compareAndSet(false, true)) {
            LOG.warn("device gpu requested but Spark assigned no GPU to this task "
                    + "(spark.executor.resource.gpu.amount / spark.task.resource.gpu.amount): running on the CPU");
        }
        return "cpu";
    }

    static String assignedGpu(Map<String, ResourceInformation> resources) {
        ResourceInformation gpus = resources == null ? null : resources.get("gpu");
        if (gpus == null || gpus.addresses().length == 0) {
            return null;
        }
        return "gpu:" + gpus.addresses()[0].strip();
    }

    public static String validate(String requested) {
        String mode = requested == null ? "" : requested.toLowerCase(Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("cpu") && !mode.equals("gpu")) {
            throw new IllegalArgumentException("--device must be auto, cpu or gpu, got '" + requested + "'");
        }
        return mode;
    }
}
