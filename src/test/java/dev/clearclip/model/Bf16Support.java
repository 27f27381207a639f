package dev.clearclip.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test-only: whether this CPU has native bf16 dot products (the bf16 tests are only meaningful there). */
public final class Bf16Support {
    private Bf16Support() {
    }

    public static boolean cpuHasAvx512Bf16() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo")).contains("avx512_bf16");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public static final String SKIP = "CPU has no avx512_bf16 flag in /proc/cpuinfo: bf16 would be emulated";
}
