package dev.clearclip.pipeline;

import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationRequest;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.config.SettingOverrides;
import dev.clearclip.inference.ClassStats;
import dev.clearclip.inference.ImageInput;
import dev.clearclip.inference.ImageOutcome;
import dev.clearclip.inference.LabelMap;
import dev.clearclip.inference.PreparedImage;
import dev.clearclip.inference.SlidingWindowInference;
import dev.clearclip.image.Normalizer;
import dev.clearclip.image.RgbImage;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Goldens;
import dev.clearclip.model.Precision;
import dev.clearclip.model.TinyCheckpoints;
import dev.clearclip.output.LabelPng;
import dev.clearclip.weights.HubClient;
import dev.clearclip.weights.HubSettings;
import dev.clearclip.weights.ModelResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official VOC21 case from the PNG file and from the resized pixels, through the one pipeline. */
class SegmentationPipelineTest {
    private static final String MODEL = TinyCheckpoints.folder("tiny-openclip").toString();
    private static Path dir;
    private static String classes;
    private static PipelinePlan plan;
    private static SegmentationPipeline segmenter;

    @BeforeAll
    static void prepare(@TempDir Path cache) throws IOException {
        dir = cache;
        classes = cache.resolve("my-voc.txt").toString();
        try (InputStream in = SegmentationPipelineTest.class.getResourceAsStream("/fixtures/text/cls_voc21.txt")) {
            Files.write(Path.of(classes), in.readAllBytes());
        }
        // the official case: the class file with VOC21's settings, as --preset voc21 --classes FILE gives them
        plan = plan(new SegmentationRequest(List.of(classes), SegmentationSettings.voc21Defaults(), null,
                new OutputOptions(true, true, null, 255), "cpu"));
        segmenter = SegmentationPipeline.open(plan, "cpu", null);
    }

    static PipelinePlan plan(SegmentationRequest request) {
        ModelResolver offline = new ModelResolver(new HubClient(new HubSettings(URI.create("http://127.0.0.1:9"), dir,
                null, true)));
        return PipelinePlan.prepare(offline, new dev.clearclip.vocabulary.EmbeddingCache(dir.resolve("emb")), MODEL,
                request);
    }

    @AfterAll
    static void close() {
        segmenter.close();
    }

    @Test
    void eachVocabularyKeepsItsOwnSettingsInAMultiVocabularyPass() throws IOException {
        byte[] png;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/inputs/chelsea_noicc.png")) {
            png = in.readAllBytes();
        }
        List<String> vocabularies = List.of("voc21", "cityscapes", classes);
        PipelinePlan together = plan(new SegmentationRequest(vocabularies, null, null, null, "cpu"));
        assertEquals(0.5, together.vocabularies().get(0).settings().probThreshold(), "voc21 preset");
        assertEquals(224, together.vocabularies().get(1).settings().crop(), "cityscapes preset");
        assertEquals(0.0, together.vocabularies().get(2).settings().probThreshold(), "class-file default");
        assertEquals(2, together.passes().size(), "voc21 and the class file share windows; cityscapes has its own");
        ImageOutcome all;
        try (SegmentationPipeline p = SegmentationPipeline.open(together, "cpu", null)) {
            all = p.segmentBatch(List.of(new ImageInput("c.png", png))).get(0);
        }
        assertTrue(all.ok(), all.error());
        for (int v = 0; v < vocabularies.size(); v++) {
            PipelinePlan alone = plan(new SegmentationRequest(List.of(vocabularies.get(v)), null, null, null, "cpu"));
            try (SegmentationPipeline p = SegmentationPipeline.open(alone, "cpu", null)) {
                ImageOutcome one = p.segmentBatch(List.of(new ImageInput("c.png", png))).get(0);
                org.junit.jupiter.api.Assertions.assertArrayEquals(one.masks().get(0).maskPng(),
                        all.masks().get(v).maskPng(), vocabularies.get(v) + " alone vs together");
            }
        }
    }

    @Test
    void theEncoderIsLoadedOncePerJvmWhateverTheVocabulariesAndThresholds() {
        JvmEncoders.closeAll();
        long before = JvmEncoders.loads();
        PipelinePlan a = plan(SegmentationRequest.of(List.of(classes)));
        PipelinePlan b = plan(new SegmentationRequest(List.of("voc21", classes), null,
                new SettingOverrides(null, null, null, null, 0.3, 40.0, null, null, null, null),
                new OutputOptions(true, false, null, 255), "cpu"));
        SegmentationPipeline pa = SegmentationPipeline.open(a, "cpu", null);
        SegmentationPipeline pb = SegmentationPipeline.open(b, "cpu", null);
        assertEquals(1, JvmEncoders.loads() - before, "one encoder for two plans that differ in vocabulary and settings");
        assertTrue(pa.encoder() == pb.encoder());
        PipelinePlan vanilla = plan(SegmentationRequest.of(List.of(classes)).withOverrides(
                new SettingOverrides(null, null, null, null, null, null, LastBlockVariant.VANILLA, null, null, null)));
        try (SegmentationPipeline pc = SegmentationPipeline.open(vanilla, "cpu", null)) {
            assertEquals(2, JvmEncoders.loads() - before, "another last block is another encoder");
            assertFalse(pc.encoder() == pa.encoder());
        }
        pa.close();
        pb.close();
    }

    @Test
    void cachedEmbeddingsAreReusedAndIdentical(@TempDir Path dir) throws IOException {
        Path classes = dir.resolve("voc21.txt");
        try (InputStream in = getClass().getResourceAsStream("/fixtures/text/cls_voc21.txt")) {
            Files.write(classes, in.readAllBytes());
        }
        ModelResolver offline = new ModelResolver(new HubClient(new HubSettings(URI.create("http://127.0.0.1:9"), dir, null, true)));
        dev.clearclip.vocabulary.EmbeddingCache cache = new dev.clearclip.vocabulary.EmbeddingCache(dir.resolve("emb"));
        String model = TinyCheckpoints.folder("tiny-openclip").toString();
        SegmentationRequest request = SegmentationRequest.of(List.of(classes.toString()));
        PipelinePlan first = PipelinePlan.prepare(offline, cache, model, request);
        try (var files = Files.list(dir.resolve("emb"))) {
            assertEquals(1, files.count());
        }
        PipelinePlan second = PipelinePlan.prepare(offline, cache, model, request);
        org.junit.jupiter.api.Assertions.assertArrayEquals(first.queries().get(0).features(),
                second.queries().get(0).features());
        Goldens.assertClose("cached", Goldens.floats("text/voc21_query_features.npy"), second.queries().get(0).features(), 1e-6);
    }

    @Test
    void fromThePngFileAtLeast999PerMilleOfPixelsMatch() throws IOException {
        byte[] png;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/inputs/chelsea.png")) {
            png = in.readAllBytes();
        }
        ImageOutcome out = segmenter.segmentBatch(List.of(new ImageInput("chelsea.png", png))).get(0);
        assertNull(out.error());
        assertEquals(451, out.width());
        assertEquals(300, out.height());
        int[] labels = LabelPng.decode(out.masks().get(0).maskPng());
        int[] gold = Goldens.npy("seg_voc21/seg_pred.npy").ints();
        int same = 0;
        for (int i = 0; i < gold.length; i++) {
            same += labels[i] == gold[i] ? 1 : 0;
        }
        assertTrue(same >= 0.999 * gold.length, "only " + same + " of " + gold.length + " pixels match");
        long sum = out.masks().get(0).classes().stream().mapToLong(ClassStats::pixels).sum();
        assertEquals(300L * 451, sum);
        assertFalse(out.masks().get(0).rle().isEmpty());
    }

    @Test
    void fromTheResizedPixelsLabelsMatchOutsideTheAmbiguousMask() throws IOException {
        byte[] rgb = Goldens.npy("seg_voc21/resized_rgb_u8.npy").bytes();
        RgbImage resized = new RgbImage(673, 448, rgb);
        PreparedImage image = new PreparedImage(300, 451, 448, 673, Normalizer.CLIP_0_255.toChw(resized));
        try (var model = dev.clearclip.model.ClipModel.load(TinyCheckpoints.tiny(), LastBlockVariant.CLEARCLIP,
                dev.clearclip.weights.Towers.VISION, ai.djl.Device.cpu());
             SlidingWindowInference s = new SlidingWindowInference(model, plan.encoderSettings(), plan.queries(),
                     plan.output())) {
            LabelMap map = s.segment(List.of(image)).get(0).get(0);
            int[] gold = Goldens.npy("seg_voc21/seg_pred.npy").ints();
            byte[] ambiguous = Goldens.npy("seg_voc21/ambiguous_mask.npy").bytes();
            int bad = 0;
            for (int i = 0; i < gold.length; i++) {
                bad += ambiguous[i] == 0 && map.labels()[i] != gold[i] ? 1 : 0;
            }
            assertEquals(0, bad);
            Goldens.assertClose("max prob", Goldens.floats("seg_voc21/max_prob.npy"), map.confidence(), 1e-5);
        }
    }

    @Test
    void badFilesBecomeFailedOutcomesNextToGoodOnes() throws IOException {
        byte[] png;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/inputs/chelsea_noicc.png")) {
            png = in.readAllBytes();
        }
        List<ImageOutcome> out = segmenter.segmentBatch(List.of(new ImageInput("empty.jpg", new byte[0]),
                new ImageInput("good.png", png), new ImageInput("text.jpg", "hello".getBytes())));
        assertEquals(3, out.size());
        assertTrue(out.get(0).error().startsWith("empty"), out.get(0).error());
        assertTrue(out.get(1).ok());
        assertTrue(out.get(2).error().startsWith("not_an_image"), out.get(2).error());
    }

    @Test
    void streamingAPartitionGivesTheSameOutcomesInOrder() throws IOException {
        byte[] png;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/inputs/chelsea_noicc.png")) {
            png = in.readAllBytes();
        }
        List<ImageInput> inputs = List.of(new ImageInput("a.png", png), new ImageInput("bad.jpg", new byte[] {1, 2}),
                new ImageInput("b.png", png), new ImageInput("c.png", png), new ImageInput("empty.png", new byte[0]));
        List<ImageOutcome> streamed = new java.util.ArrayList<>();
        segmenter.segmentStream(inputs.iterator(), 2).forEachRemaining(streamed::add);
        List<ImageOutcome> direct = segmenter.segmentBatch(inputs);
        assertEquals(inputs.size(), streamed.size());
        for (int i = 0; i < inputs.size(); i++) {
            assertEquals(inputs.get(i).uri(), streamed.get(i).uri());
            assertEquals(direct.get(i).error(), streamed.get(i).error());
            if (direct.get(i).ok()) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(direct.get(i).masks().get(0).maskPng(),
                        streamed.get(i).masks().get(0).maskPng());
            }
        }
    }
}
