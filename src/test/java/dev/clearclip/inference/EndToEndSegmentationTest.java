package dev.clearclip.inference;

import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;
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

/** The official VOC21 case from the PNG file and from the resized pixels, through the public segmenter. */
class EndToEndSegmentationTest {
    private static SegmenterSpec spec;
    private static ImageSegmenter segmenter;

    @BeforeAll
    static void prepare(@TempDir Path cache) throws IOException {
        Path classes = cache.resolve("voc21.txt");
        try (InputStream in = EndToEndSegmentationTest.class.getResourceAsStream("/fixtures/text/cls_voc21.txt")) {
            Files.write(classes, in.readAllBytes());
        }
        ModelResolver offline = new ModelResolver(new HubClient(new HubSettings(URI.create("http://127.0.0.1:9"), cache, null, true)));
        SegmentationSettings voc = SegmentationSettings.voc21Defaults();
        spec = SegmenterSpec.prepare(offline, new dev.clearclip.vocabulary.EmbeddingCache(cache.resolve("emb")), TinyCheckpoints.folder("tiny-openclip").toString(), List.of(classes.toString()),
                voc, new OutputOptions(true, true, null, 255));
        segmenter = spec.open("cpu");
    }

    @AfterAll
    static void close() {
        segmenter.close();
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
        SegmenterSpec first = SegmenterSpec.prepare(offline, cache, model, List.of(classes.toString()),
                SegmentationSettings.voc21Defaults(), OutputOptions.defaults());
        try (var files = Files.list(dir.resolve("emb"))) {
            assertEquals(1, files.count());
        }
        SegmenterSpec second = SegmenterSpec.prepare(offline, cache, model, List.of(classes.toString()),
                SegmentationSettings.voc21Defaults(), OutputOptions.defaults());
        org.junit.jupiter.api.Assertions.assertArrayEquals(first.vocabularies().get(0).features(),
                second.vocabularies().get(0).features());
        Goldens.assertClose("cached", Goldens.floats("text/voc21_query_features.npy"), second.vocabularies().get(0).features(), 1e-6);
    }

    @Test
    void fromThePngFileAtLeast999PerMilleOfPixelsMatch() throws IOException {
        byte[] png;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/inputs/chelsea.png")) {
            png = in.readAllBytes();
        }
        ImageOutcome out = segmenter.segment(List.of(new ImageInput("chelsea.png", png))).get(0);
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
             Segmenter s = new Segmenter(model, spec.settings(), spec.vocabularies(), spec.output())) {
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
        List<ImageOutcome> out = segmenter.segment(List.of(new ImageInput("empty.jpg", new byte[0]),
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
        segmenter.segmentAll(inputs.iterator(), 2).forEachRemaining(streamed::add);
        List<ImageOutcome> direct = segmenter.segment(inputs);
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
