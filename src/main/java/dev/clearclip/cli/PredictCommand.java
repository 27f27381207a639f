package dev.clearclip.cli;

import ai.djl.Device;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.image.ImageDecoder;
import dev.clearclip.image.RgbImage;
import dev.clearclip.inference.ImagePreparer;
import dev.clearclip.inference.LabelMap;
import dev.clearclip.inference.PreparedImage;
import dev.clearclip.inference.QueryEmbeddings;
import dev.clearclip.inference.Segmenter;
import dev.clearclip.inference.VocabularyMask;
import dev.clearclip.io.Npy;
import dev.clearclip.model.ClipModel;
import dev.clearclip.output.MaskEncoder;
import dev.clearclip.output.Overlay;
import dev.clearclip.output.Palette;
import dev.clearclip.tokenizer.ClipTokenizer;
import dev.clearclip.vocabulary.EmbeddingCache;
import dev.clearclip.vocabulary.PromptTemplates;
import dev.clearclip.vocabulary.TextEmbedder;
import dev.clearclip.vocabulary.Vocabulary;
import dev.clearclip.weights.ClipCheckpoint;
import dev.clearclip.weights.ModelFolder;
import dev.clearclip.weights.ModelLoader;
import dev.clearclip.weights.Towers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** One image (or its normalised tensor) to a label map and the requested outputs, exactly as the Spark job segments. */
@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false,
        description = "Segment one image (or an already resized, normalised tensor) with a class vocabulary.")
final class PredictCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "model folder (Hugging Face or OpenCLIP layout) or hub id, e.g. openai/clip-vit-base-patch16")
    String model;

    @Mixin
    SegmentationOptions segmentation;

    @Option(names = "--image", paramLabel = "FILE", description = "image file (JPEG, PNG, BMP, GIF, WebP, TIFF)")
    Path image;

    @Option(names = "--tensor", paramLabel = "X.npy", description = "float32 [1,3,H,W] resized, normalised image")
    Path tensor;

    @Option(names = "--original-size", paramLabel = "H,W",
            description = "with --tensor: size of the label map (default: the tensor's H,W)")
    String originalSize;

    @Option(names = "--out-labels", required = true, paramLabel = "L.npy", description = "int32 [H, W] class ids")
    Path outLabels;

    @Option(names = "--out-mask", paramLabel = "M.png",
            description = "label map PNG (8-bit palette, 16-bit beyond 256 labels)")
    Path outMask;

    @Option(names = "--out-json", paramLabel = "S.json",
            description = "image size, vocabulary, settings, per-class statistics")
    Path outJson;

    @Option(names = "--overlay", paramLabel = "O.png",
            description = "the photo with the classes tinted and a legend (--image only)")
    Path overlay;

    @Option(names = "--out-confidence", paramLabel = "C.png", description = "max probability per pixel, 8-bit PNG")
    Path outConfidence;

    @Override
    public Integer call() throws Exception {
        checkInputChoice();
        SegmentationSettings settings = segmentation.settings();
        OutputOptions base = segmentation.output();
        OutputOptions output = new OutputOptions(base.confidencePng() || outConfidence != null, base.rle(),
                base.pseudoLabelThreshold(), base.ignoreIndex());
        List<String> vocabularies = segmentation.vocabularies();
        if (vocabularies.size() != 1) {
            throw new IllegalArgumentException("--classes: predict writes one label map, give one vocabulary, got "
                    + String.join(", ", vocabularies));
        }
        Vocabulary vocabulary = Inputs.vocabulary(vocabularies.get(0));
        ModelFolder folder = main.resolveModel(model);
        settings.validateFor(ModelLoader.readConfig(folder).vision().patchSize());
        RgbImage photo = image == null ? null : decode(settings);
        PreparedImage prepared = photo != null ? new ImagePreparer(settings).prepare(photo) : fromTensor();

        ClipCheckpoint checkpoint = ModelLoader.load(folder, Towers.BOTH);
        // the text tower is built only when the cache (shared with segment) lacks this vocabulary
        EmbeddingCache cache = EmbeddingCache.fromEnvironment();
        List<String> templates = PromptTemplates.imageNet80();
        QueryEmbeddings queries = cache.find(checkpoint.weightsSha256(), vocabulary, templates,
                checkpoint.config().embedDim()).orElse(null);
        LabelMap map;
        try (ClipModel clip = ClipModel.load(checkpoint, settings.attention(), queries == null ? Towers.BOTH
                : Towers.VISION, Device.cpu(), settings.precision())) {
            if (queries == null) {
                queries = new TextEmbedder(clip, ClipTokenizer.bundled(), templates).embed(vocabulary);
                cache.store(checkpoint.weightsSha256(), vocabulary, templates, queries);
            }
            try (Segmenter segmenter = new Segmenter(clip, settings, List.of(queries), output)) {
                map = segmenter.segment(List.of(prepared)).get(0).get(0);
            }
        }
        VocabularyMask mask = new MaskEncoder(output).encode(map, queries);
        Npy.writeInt32(outLabels, map.labels(), map.height(), map.width());
        write(outMask, mask.maskPng());
        write(outConfidence, mask.confidencePng());
        if (overlay != null) {
            Palette palette = Palette.voc(Math.min(65536, Math.max(256, queries.classes())));
            write(overlay, Overlay.render(photo, map.labels(), queries.classNames(), palette));
        }
        if (outJson != null) {
            String source = image != null ? image.toString() : tensor.toString();
            write(outJson, PredictionReport.json(source, prepared, model, checkpoint.weightsSha256(), queries,
                    settings, output, mask));
        }
        spec.commandLine().getOut().printf("wrote %s: int32 [%d, %d], %d of %d classes present%n", outLabels,
                map.height(), map.width(), mask.classes().size(), queries.classes());
        return 0;
    }

    private void checkInputChoice() {
        if ((image == null) == (tensor == null)) {
            throw new IllegalArgumentException("give exactly one of --image FILE or --tensor X.npy");
        }
        if (overlay != null && image == null) {
            throw new IllegalArgumentException("--overlay needs --image (a tensor is not a photo to draw on)");
        }
        if (originalSize != null && tensor == null) {
            throw new IllegalArgumentException("--original-size applies to --tensor only (an image has its own size)");
        }
    }

    private RgbImage decode(SegmentationSettings settings) throws Exception {
        return new ImageDecoder(settings.maxPixels()).decode(Files.readAllBytes(image), image.toString());
    }

    private PreparedImage fromTensor() throws IOException {
        Inputs.ImageTensor t = Inputs.imageTensor(tensor, "--tensor");
        if (t.batch() != 1) {
            throw new IllegalArgumentException("--tensor " + tensor + ": expected one image [1, 3, H, W], got a "
                    + "batch of " + t.batch());
        }
        int[] size = originalSize == null ? new int[] {t.height(), t.width()}
                : Inputs.size(originalSize, "--original-size");
        return new PreparedImage(size[0], size[1], t.height(), t.width(), t.chw());
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        if (file != null) {
            Inputs.createParent(file);
            Files.write(file, bytes);
        }
    }
}
