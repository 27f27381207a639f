package dev.clearclip.spark;

import dev.clearclip.model.Precision;
import dev.clearclip.pipeline.Devices;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

import java.util.Map;

/**
 * Where a task runs its model: the GPU Spark's resource scheduling assigned to the task
 * ({@code spark.task.resource.gpu.amount}), else the CPU, by the rule of {@link Devices}.
 */
public final class TaskDevice {

    private TaskDevice() {
    }

    /** In a task: "cpu" or "gpu:N"; a required GPU that Spark did not assign fails the task with the reason. */
    public static String resolve(String requested) {
        TaskContext task = TaskContext.get();
        String gpu = task == null ? null : assignedGpu(task.resourcesJMap());
        return Devices.resolve(requested, gpu, "Spark assigned no GPU to this task "
                + "(spark.executor.resource.gpu.amount / spark.task.resource.gpu.amount)");
    }

    /**
     * On the driver, before any task: {@code --device gpu} where the cluster offers no GPU resource (local mode
     * included) and fp16 where no GPU can be had are refused.
     */
    public static void checkOnDriver(SparkConf conf, String requested, Precision precision) {
        boolean gpus = gpuConfigured(conf);
        if ((requested.equals("gpu") || requested.startsWith("gpu:")) && !gpus) {
            throw new IllegalArgumentException("--device " + requested + ": this Spark application offers no GPU "
                    + "resource (master " + conf.get("spark.master", "?") + "; set spark.executor.resource.gpu.amount "
                    + "and spark.task.resource.gpu.amount on a cluster with GPUs, or use --device auto or cpu)");
        }
        Devices.checkPrecision(precision, requested, gpus);
    }

    static boolean gpuConfigured(SparkConf conf) {
        if (conf.get("spark.master", "local").startsWith("local")) {
            return false; // local mode schedules no executor resources
        }
        return conf.getDouble("spark.task.resource.gpu.amount", 0) > 0
                && conf.getDouble("spark.executor.resource.gpu.amount", 0) > 0;
    }

    static String assignedGpu(Map<String, ResourceInformation> resources) {
        ResourceInformation gpus = resources == null ? null : resources.get("gpu");
        if (gpus == null || gpus.addresses().length == 0) {
            return null;
        }
        return "gpu:" + gpus.addresses()[0].strip();
    }
}
