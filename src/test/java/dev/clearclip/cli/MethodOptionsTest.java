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

    @Test
    void scclipThroughFeaturesPredictAndBench() throws IOException {
        Path out = tmp.resolve("y.npy");
        CliRun features = CliRun.of("features", "--model", fixture("models/tiny12-openclip"), "--method", "scclip",
                "--input", fixture("inputs/img224.npy"), "--out", out);
        assertEquals(0, features.exit(), features::toString);
        double f = dev.clearclip.model.Goldens.assertClose("scclip features", dev.clearclip.model.Goldens.floats(
                "methods/scclip/vision/img224_dense_norm.npy"), Npy.read(out).floats(), 2e-6);

        // the official VOC21 case end to end: the preset's settings and class file, our text tower
        Path json = tmp.resolve("s.json");
        Path labels = tmp.resolve("l.npy");
        CliRun predict = CliRun.of("predict", "--model", fixture("models/tiny12-openclip"), "--preset", "voc21",
                "--method", "scclip", "--tensor", fixture("methods/inputs/chelsea_small_r336_input.npy"),
                "--original-size", "80,120", "--out-labels", labels, "--out-json", json);
        assertEquals(0, predict.exit(), predict::toString);
        JsonNode s = new ObjectMapper().readTree(json.toFile()).get("settings");
        assertEquals("scclip", s.get("method").asText());
        assertEquals("scclip", s.get("attention").asText());
        assertEquals(0.1, s.get("area_thd").asDouble());
        assertEquals(0.15, s.get("prob_thd").asDouble());
        assertEquals(50.0, s.get("logit_scale").asDouble());
        assertEquals(224, s.get("crop").asInt());
        assertEquals(0, s.get("pamr_steps").asInt());
        int[] gold = dev.clearclip.model.Goldens.npy("methods/scclip/seg_voc21/seg_pred.npy").ints();
        byte[] ambiguous = dev.clearclip.model.Goldens.npy("methods/scclip/seg_voc21/ambiguous_mask.npy").bytes();
        int[] ours = Npy.read(labels).ints();
        int differing = 0;
        for (int i = 0; i < gold.length; i++) {
            differing += gold[i] != ours[i] && ambiguous[i] == 0 ? 1 : 0;
        }
        assertEquals(0, differing, "predict --method scclip: labels differing from the official outside the ambiguous mask");

        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", "--model", fixture("models/tiny12-openclip").toString(), "--preset",
                "voc21", "--method", "scclip", "--images", "1", "--batch", "1", "--workers", "1", "--size", "120x80"},
                new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8), System.err);
        String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("RESULT method=scclip attention=scclip pamr=0"), text);
        System.out.println("scclip features max |diff| " + f);
    }

    @Test
    void correctedIsRecordedAndRefusedWhereItMeansNothing() throws IOException {
        Path json = tmp.resolve("c.json");
        CliRun run = CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--method", "naclip", "--pamr", "0", "--corrected", "padding,pos-embed",
                "--tensor", fixture("methods/inputs/chelsea_small_r336_input.npy"), "--original-size", "80,120",
                "--out-labels", tmp.resolve("l.npy"), "--out-json", json);
        assertEquals(0, run.exit(), run::toString);
        assertEquals("[\"pos-embed\",\"padding\"]",
                new ObjectMapper().readTree(json.toFile()).get("settings").get("corrected").toString());
        CliRun unknown = CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--corrected", "area", "--tensor", fixture("methods/inputs/chelsea_small_r336_input.npy"),
                "--original-size", "80,120", "--out-labels", tmp.resolve("l.npy"));
        assertEquals(2, unknown.exit(), unknown::toString);
        assertTrue(unknown.err().contains("unknown correction 'area'"), unknown::toString);
        CliRun features = CliRun.of("features", "--model", fixture("models/tiny-openclip"), "--corrected", "padding",
                "--input", fixture("inputs/img224.npy"), "--out", tmp.resolve("y.npy"));
        assertEquals(2, features.exit(), features::toString);
        assertTrue(features.err().contains("--corrected padding"), features::toString);
    }
}
