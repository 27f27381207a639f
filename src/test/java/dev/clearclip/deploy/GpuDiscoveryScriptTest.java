package dev.clearclip.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The discovery script run for real, with a stand-in nvidia-smi first on PATH. */
class GpuDiscoveryScriptTest {

    private static final Path SCRIPT = Project.deploy().resolve("gpu/getGpusResources.sh");

    @TempDir
    Path bin;

    @Test
    void printsTheResourceJsonSparkExpects() throws Exception {
        fakeNvidiaSmi("printf '0\\n1\\n 2 \\n'");
        Run r = run();
        assertEquals(0, r.exit, r.stderr);
        JsonNode json = new ObjectMapper().readTree(r.stdout);
        assertEquals("gpu", json.get("name").asText());
        assertEquals("[\"0\",\"1\",\"2\"]", json.get("addresses").toString());
    }

    @Test
    void failsClearlyWithoutNvidiaSmi() throws Exception {
        Run r = run();
        assertNotEquals(0, r.exit);
        assertTrue(r.stderr.contains("nvidia-smi not found"), r.stderr);
    }

    @Test
    void failsWhenNoGpuIsListedOrTheOutputIsUnexpected() throws Exception {
        fakeNvidiaSmi("true");
        Run none = run();
        assertNotEquals(0, none.exit);
        assertTrue(none.stderr.contains("no GPU"), none.stderr);

        fakeNvidiaSmi("echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver'");
        Run garbage = run();
        assertNotEquals(0, garbage.exit);
        assertTrue(garbage.stderr.contains("unexpected nvidia-smi output"), garbage.stderr);
    }

    private void fakeNvidiaSmi(String body) throws IOException {
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Run(int exit, String stdout, String stderr) {
    }

    private Run run() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString());
        // only the stand-in directory and the basic tools: a real nvidia-smi on this machine must not answer
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Path err = bin.resolve("stderr.txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("getGpusResources.sh did not finish");
        }
        return new Run(p.exitValue(), out.strip(), Files.readString(err));
    }
}
