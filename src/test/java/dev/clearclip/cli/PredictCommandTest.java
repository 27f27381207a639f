package dev.clearclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.io.Npy;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.model.Bf16Support;
import dev.clearclip.vocabulary.EmbeddingCache;
import dev.clearclip.vocabulary.PromptTemplates;
import dev.clearclip.vocabulary.Vocabulary;
import dev.clearclip.weights.ModelFolder;
import dev.clearclip.weights.ModelLoader;
import dev.clearclip.model.Goldens;
import dev.clearclip.output.LabelPng;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import static dev.clearclip.cli.CliRun.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** predict on the official VOC21 case, from the normalised tensor and from the PNG file. */
class PredictCommandTest {
    private static final int H = 300;
    private static final int W = 451;

    @TempDir
    Path tmp;

    @Test
    void fromTheTensorLabelsEqualTheGoldenOutsideTheAmbiguousMask() throws IOException {
        Path labels = tmp.resolve("l.npy");
        CliRun run = CliRun.of("predict", "--model", fixture("models/tiny-openclip"),
                "--classes", fixture("text/cls_voc21.txt"), "--prob-thd", "0.5",
                "--tensor", fixture("seg_voc21/input.npy"), "--original-size", H + "," + W, "--out-labels", labels);
        assertEquals(0, run.exit(), run::toString);
        Npy.Array l = Npy.read(labels);
        assertEquals("<i4", l.dtype());
        assertArrayEquals(new long[] {H, W}, l.shape());
        int[] ours = l.ints();
        int[] gold = Goldens.npy("seg_voc21/seg_pred.npy").ints();
        byte[] ambiguous = Goldens.npy("seg_voc21/ambiguous_mask.npy").bytes();
        int differ = 0;
        for (int i = 0; i < gold.length; i++) {
            differ += ambiguous[i] == 0 && ours[i] != gold[i] ? 1 : 0;
        }
        assertEquals(0, differ, "pixels that differ outside the ambiguous mask");
    }

    @Test
    void precisionBf16IsHonouredAndKeepsTheLabels() throws IOException {
        Assumptions.assumeTrue(Bf16Support.cpuHasAvx512Bf16(), Bf16Support.SKIP);
        Path labels = tmp.resolve("l.npy");
        Path json = tmp.resolve("s.json");
        CliRun run = CliRun.of("predict", "--model", fixture("models/tiny-openclip"),
                "--classes", fixture("text/cls_voc21.txt"), "--prob-thd", "0.5", "--precision", "bf16",
                "--tensor", fixture("seg_voc21/input.npy"), "--original-size", H + "," + W, "--out-labels", labels,
                "--out-json", json);
        assertEquals(0, run.exit(), run::toString);
        assertEquals("bf16", new ObjectMapper().readTree(json.toFile()).at("/settings/precision").asText());
        int[] ours = Npy.read(labels).ints();
        int[] gold = Goldens.npy("seg_voc21/seg_pred.npy").ints();
        int same = 0;
        for (int i = 0; i < gold.length; i++) {
            same += ours[i] == gold[i] ? 1 : 0;
        }
        assertTrue(same >= 0.995 * gold.length, "bf16: only " + same + " of " + gold.length + " labels agree");
        assertTrue(same < gold.length, "bf16 labels equal fp32's on every pixel: was bf16 used at all?");
    }

    @Test
    void embeddingsComeFromTheCacheSharedWithSegment() throws IOException {
        // class names no other test uses, so the cache entry is this test's own
        String unique = Long.toHexString(System.nanoTime());
        Path classes = tmp.resolve("classes.txt");
        Files.writeString(classes, "background\nred " + unique + "\ngreen " + unique + "\nblue " + unique + "\n");
        Vocabulary vocabulary = Inputs.vocabulary(classes.toString());
        String sha = ModelLoader.sha256(ModelFolder.detect(fixture("models/tiny-openclip"), "tiny")
                .weightsFile());
        List<String> templates = PromptTemplates.imageNet80();
        EmbeddingCache cache = EmbeddingCache.fromEnvironment();
        Path entry = cache.entry(sha, vocabulary, templates);
        try {
            assertFalse(Files.exists(entry), entry + " exists before the first run");
            int[] first = predict(classes, tmp.resolve("l1.npy"));
            QueryEmbeddings stored = cache.find(sha, vocabulary, templates, 32).orElseThrow();

            // the cached rows of classes 1 and 2 swapped: a run that reads the cache swaps those labels
            float[] rows = stored.features().clone();
            int dim = stored.embedDim();
            System.arraycopy(stored.features(), 2 * dim, rows, dim, dim);
            System.arraycopy(stored.features(), dim, rows, 2 * dim, dim);
            cache.store(sha, vocabulary, templates, new QueryEmbeddings(stored.vocabulary(), stored.sha256(),
                    stored.classNames(), stored.classOfQuery(), dim, rows));
            int[] second = predict(classes, tmp.resolve("l2.npy"));
            int swapped = 0;
            for (int i = 0; i < first.length; i++) {
                int expected = first[i] == 1 ? 2 : first[i] == 2 ? 1 : first[i];
                assertEquals(expected, second[i], "pixel " + i);
                swapped += first[i] == 1 || first[i] == 2 ? 1 : 0;
            }
            assertTrue(swapped > 0, "classes 1 and 2 never won, so the test cannot see the swap");
        } finally {
            Files.deleteIfExists(entry);
        }
    }

    private static int[] predict(Path classes, Path labels) throws IOException {
        CliRun run = CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--classes", classes,
                "--prob-thd", "0", "--tensor", fixture("seg_voc21/input.npy"), "--original-size", H + "," + W,
                "--out-labels", labels);
        assertEquals(0, run.exit(), run::toString);
        return Npy.read(labels).ints();
    }

    @Test
    void precisionFp16OnCpuIsAClearError() {
        CliRun run = CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--precision", "fp16", "--image", fixture("inputs/chelsea.png"), "--out-labels", tmp.resolve("l.npy"));
        assertEquals(2, run.exit(), run::toString);
        assertTrue(run.err().contains("fp16") && run.err().contains("GPU"), run::toString);
    }

    @Test
    void fromThePngEveryRequestedOutputIsWrittenAndConsistent() throws IOException {
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21", "--rle",
                "--image", fixture("inputs/chelsea.png"), "--out-labels", out.resolve("l.npy"),
                "--out-mask", out.resolve("m.png"), "--out-json", out.resolve("s.json"),
                "--overlay", out.resolve("o.png"), "--out-confidence", out.resolve("c.png"));
        assertEquals(0, run.exit(), run::toString);

        int[] labels = Npy.read(out.resolve("l.npy")).ints();
        int[] gold = Goldens.npy("seg_voc21/seg_pred.npy").ints();
        int same = 0;
        for (int i = 0; i < gold.length; i++) {
            same += labels[i] == gold[i] ? 1 : 0;
        }
        assertTrue(same >= 0.999 * gold.length, "only " + same + " of " + gold.length + " pixels match the golden");
        assertArrayEquals(labels, LabelPng.decode(Files.readAllBytes(out.resolve("m.png"))), "mask PNG = labels");

        BufferedImage confidence = ImageIO.read(out.resolve("c.png").toFile());
        assertEquals(W, confidence.getWidth());
        assertEquals(H, confidence.getHeight());
        BufferedImage overlay = ImageIO.read(out.resolve("o.png").toFile());
        assertTrue(overlay.getWidth() > W && overlay.getHeight() >= H, "overlay is the photo plus a legend");

        JsonNode json = new ObjectMapper().readTree(out.resolve("s.json").toFile());
        assertEquals(H, json.at("/image/height").asInt());
        assertEquals(W, json.at("/image/width").asInt());
        assertEquals("voc21", json.at("/vocabulary/name").asText());
        assertEquals(21, json.at("/vocabulary/classes").size());
        assertEquals(0.5, json.at("/settings/prob_thd").asDouble());
        assertEquals(448, json.at("/settings/crop").asInt());
        long pixels = 0;
        for (JsonNode c : json.get("classes")) {
            int id = c.get("class_id").asInt();
            long n = c.get("pixels").asLong();
            long counted = java.util.Arrays.stream(labels).filter(v -> v == id).count();
            assertEquals(counted, n, "pixels of class " + id);
            assertEquals(json.at("/vocabulary/classes/" + id).asText(), c.get("name").asText());
            assertEquals((double) n / (H * W), c.get("fraction").asDouble(), 1e-12);
            double conf = c.get("mean_confidence").asDouble();
            assertTrue(conf > 0 && conf <= 1, "mean confidence " + conf);
            pixels += n;
        }
        assertEquals((long) H * W, pixels);
        assertEquals(json.get("classes").size(), json.get("rle").size());
    }

    @Test
    void pseudoLabellingMarksUnsurePixelsWithTheIgnoreIndex() throws IOException {
        Path labels = tmp.resolve("l.npy");
        CliRun run = CliRun.of("predict", "--model", fixture("models/tiny-openclip"), "--preset", "voc21",
                "--tensor", fixture("seg_voc21/input.npy"), "--original-size", H + "," + W,
                "--pseudo-label-thd", "0.6", "--out-labels", labels);
        assertEquals(0, run.exit(), run::toString);
        int[] ours = Npy.read(labels).ints();
        float[] prob = Goldens.floats("seg_voc21/max_prob.npy");
        for (int i = 0; i < ours.length; i++) {
            if (Math.abs(prob[i] - 0.6f) > 1e-4) {
                assertEquals(prob[i] < 0.6f, ours[i] == 255, "pixel " + i + " with confidence " + prob[i]);
            }
        }
    }
}
