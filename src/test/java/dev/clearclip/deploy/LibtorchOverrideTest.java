package dev.clearclip.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU route in miniature: a JVM without the bundled CPU libtorch jar (what `mvn -Pgpu` ships) loads libtorch from
 * PYTORCH_LIBRARY_PATH with the JNI the job jar carries. Here the "machine's" libtorch is the CPU build unpacked to a
 * folder (no CUDA on this machine); with the CUDA build only PYTORCH_FLAVOR changes to cu128, whose JNI
 * DockerfileTest checks is in pytorch-jni.
 */
class LibtorchOverrideTest {

    @TempDir
    Path tmp;

    @Test
    void loadsLibtorchFromPytorchLibraryPathWithoutTheBundledNativeJar() throws Exception {
        List<String> classPath = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        String nativeJar = classPath.stream().filter(p -> p.contains("pytorch-native-cpu")).findFirst()
                .orElseThrow(() -> new AssertionError("pytorch-native-cpu is not on the test class path"));
        Path lib = unpackLibtorch(Path.of(nativeJar), tmp.resolve("libtorch/lib"));
        String childClassPath = classPath.stream().filter(p -> !p.contains("pytorch-native-cpu"))
                .collect(Collectors.joining(File.pathSeparator));

        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", childClassPath, LibtorchProbe.class.getName())
                .redirectErrorStream(true);
        pb.environment().put("PYTORCH_LIBRARY_PATH", lib.toString());
        pb.environment().put("PYTORCH_VERSION", Project.pomProperty("libtorch.version"));
        pb.environment().put("PYTORCH_FLAVOR", "cpu");
        pb.environment().put("DJL_CACHE_DIR", tmp.resolve("djl-cache").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, p.exitValue(), out);

        assertTrue(out.contains("libtorch=" + lib), "libtorch must come from PYTORCH_LIBRARY_PATH:\n" + out);
        assertTrue(out.contains("version=" + Project.pomProperty("libtorch.version")), out);
        assertTrue(out.contains("sum=54.0"), "[[1,2],[3,4]]^2 sums to 54:\n" + out);
        try (var cached = Files.walk(tmp.resolve("djl-cache"))) {
            assertFalse(cached.anyMatch(f -> f.getFileName().toString().equals("libtorch_cpu.so")),
                    "nothing but the JNI may be extracted when PYTORCH_LIBRARY_PATH is set");
        }
    }

    /** The libtorch files of DJL's native jar, laid out as an unpacked libtorch's lib/ folder. */
    private static Path unpackLibtorch(Path nativeJar, Path lib) throws IOException {
        Files.createDirectories(lib);
        try (ZipFile zip = new ZipFile(nativeJar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (!e.isDirectory() && e.getName().startsWith("pytorch/cpu/linux-x86_64/")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, lib.resolve(Path.of(e.getName()).getFileName().toString()));
                    }
                }
            }
        }
        assertTrue(Files.isRegularFile(lib.resolve("libtorch.so")), "no libtorch.so in " + nativeJar);
        return lib;
    }
}
