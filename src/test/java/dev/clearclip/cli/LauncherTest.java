package dev.clearclip.cli;

import dev.clearclip.io.Npy;
import dev.clearclip.model.Goldens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.clearclip.cli.CliRun.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** jobs/clearclip as users run it: a separate JVM from the compiled classes, started from another directory. */
class LauncherTest {

    @Test
    void featuresThroughTheLauncherEqualTheGolden(@TempDir Path cwd) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path launcher = root.resolve("jobs/clearclip");
        assumeTrue(Files.isDirectory(root.resolve("target/classes")) && Files.isRegularFile(root.resolve("target/classpath.txt")),
                "skipped: target/classes or target/classpath.txt missing in " + root + " (run mvn compile first)");
        assertTrue(Files.isExecutable(launcher), launcher + " must be executable");
        Path out = cwd.resolve("y.npy");
        Process p = new ProcessBuilder(launcher.toString(), "features", "--model", fixture("models/tiny-hf").toString(),
                "--input", fixture("inputs/img_wide.npy").toString(), "--out", "y.npy")
                .directory(cwd.toFile()).redirectErrorStream(true).start();
        // generous bound so a hung JVM fails the test instead of the build; not a performance check
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done, "launcher did not finish: " + output);
        assertEquals(0, p.exitValue(), output);
        Goldens.assertClose("launcher", Goldens.floats("vision/img_wide_dense_clearclip_norm.npy"),
                Npy.read(out).floats(), 5e-6);

        Process bad = new ProcessBuilder(launcher.toString(), "features", "--model", cwd.resolve("none").toString(),
                "--input", "x.npy", "--out", "y.npy").directory(cwd.toFile()).start();
        assertTrue(bad.waitFor(5, TimeUnit.MINUTES));
        String err = new String(bad.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, bad.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("clearclip features: "), err);
    }
}
