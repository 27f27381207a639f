package dev.clearclip.cli;

import dev.clearclip.model.Precision;
import dev.clearclip.pipeline.Devices;

/** The device of a command that runs in this JVM without Spark (predict, bench): libtorch's own CUDA devices. */
final class LocalDevice {

    private LocalDevice() {
    }

    /** "cpu" or "gpu:N"; a setting that cannot be honoured here is a bad setting (exit 2). */
    static String resolve(String requested, Precision precision) {
        String gpu = requested.equals("cpu") ? null : Devices.localGpu();
        Devices.checkPrecision(precision, requested, gpu != null);
        try {
            return Devices.resolve(requested, gpu, "libtorch sees no CUDA device on this machine");
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
