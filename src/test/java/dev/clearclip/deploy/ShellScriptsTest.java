package dev.clearclip.deploy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShellScriptsTest {

    @Test
    void everyScriptUnderDeployIsExecutableStrictBash() throws Exception {
        List<Path> scripts = Project.files(Project.deploy(), ".sh");
        assertTrue(scripts.size() >= 7, "found " + scripts);
        for (Path script : scripts) {
            assertTrue(Files.isExecutable(script), script + " is not executable");
            String text = Project.read(script);
            assertTrue(text.startsWith("#!/usr/bin/env bash\n"), script + ": bash shebang");
            assertTrue(text.contains("set -euo pipefail"), script + ": stops at the first error");
            Process p = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), script + ": " + out);
        }
    }

    @Test
    void installLibtorchRefusesFlavorsAndVersionsTheJniDoesNotCover() throws Exception {
        Path script = Project.deploy().resolve("gpu/install-libtorch.sh");
        assertRefused(script, "cu124", "2.7.1", "no JNI in DJL");
        assertRefused(script, "cu128", "2.5.1", "does not match the JNI");
        String text = Project.read(script);
        assertTrue(text.contains("version=\"${2:-" + Project.pomProperty("libtorch.version") + "}\""),
                "install-libtorch.sh defaults to the project's libtorch.version");
    }

    private static void assertRefused(Path script, String flavor, String version, String message) throws Exception {
        Process p = new ProcessBuilder("bash", script.toString(), flavor, version, "/nonexistent/libtorch")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains(message), out);
    }
}
