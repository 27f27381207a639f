package dev.clearclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static dev.clearclip.cli.CliRun.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --method, --pamr and friends on the entry points. */
class MethodOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void featuresComputesTheMethodsDenseFeaturesAndRefusesPamr() throws IOException {
        Path out = tmp.resolve("y.npy");
        CliRun run = CliRun.of("features", "--model", fixture("models/tiny-openclip"), "--method", "naclip",
                "--input", fixture("inputs/img224.npy"), "--out", out);
        assertEquals(0, run.exit(), run::toString);
        dev.clearclip.model.Goldens.assertClose("naclip features", dev.clearclip.model.Goldens.floats(
                "methods/naclip/vision/img224_dense_norm.npy"), Npy.read(out).floats(), 2e-6);
        CliRun refused = CliRun.of("features", "--model", fixture("models/tiny-openclip"), "--pamr", "10",
                "--input", fixture("inputs/img224.npy"), "--out", out);
        assertEquals(2, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("--pamr") && refused.err().contains("predict"), refused::toString);
    }

    @Test
    void predictRecordsTheMethodAndItsSettings() throws IOException {
        Path json = tmp.resolve("s.json");
        CliRun run = CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--method", "naclip", "--pamr", "2", "--pamr-dilations", "1,2", "--gaussian-std", "3",
                "--tensor", fixture("methods/inputs/chelsea_small_r336_input.npy"), "--original-size", "80,120",
                "--out-labels", tmp.resolve("l.npy"), "--out-json", json);
        assertEquals(0, run.exit(), run::toString);
        JsonNode s = new ObjectMapper().readTree(json.toFile()).get("settings");
        assertEquals("naclip", s.get("method").asText());
        assertEquals("naclip", s.get("attention").asText());
        assertEquals(2, s.get("pamr_steps").asInt());
        assertEquals("[1,2]", s.get("pamr_dilations").toString());
        assertEquals(3.0, s.get("gaussian_std").asDouble());
        assertEquals(0, s.get("crop").asInt(), "NACLIP's VOC21 config: whole image");
        assertEquals(336, s.get("resize_short").asInt());
        assertEquals(56, new ObjectMapper().readTree(json.toFile()).get("vocabulary").get("queries").asInt(),
                "NACLIP's VOC21 class file: 56 names");
        CliRun bad = CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--method", "maskclip", "--tensor", fixture("methods/inputs/chelsea_small_r336_input.npy"),
                "--original-size", "80,120", "--out-labels", tmp.resolve("l.npy"));
        assertEquals(2, bad.exit(), bad::toString);
        assertTrue(bad.err().contains("unknown method 'maskclip'"), bad::toString);
    }
}
