package dev.clearclip.cli;

import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationRequest;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.image.ImageDecoder;
import dev.clearclip.image.RgbImage;
import dev.clearclip.inference.LabelMap;
import dev.clearclip.inference.PreparedImage;
import dev.clearclip.inference.VocabularyMask;
import dev.clearclip.io.Npy;
import dev.clearclip.output.Overlay;
import dev.clearclip.output.Palette;
import dev.clearclip.pipeline.PipelinePlan;
import dev.clearclip.pipeline.SegmentationPipeline;
import dev.clearclip.vocabulary.EmbeddingCache;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.weights.ModelFolder;
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
        SegmentationRequest request = segmentation.request();
        OutputOptions base = request.output();
        request = request.withOutput(new OutputOptions(base.confidencePng() || outConfidence != null, base.rle(),
                base.pseudoLabelThreshold(), base.ignoreIndex()));
        if (request.vocabularies().size() != 1) {
            throw new IllegalArgumentException("--classes: predict writes one label map, give one vocabulary, got "
                    + String.join(", ", request.vocabularies()));
        }
        ModelFolder folder = main.resolveModel(model);
        // the cache is shared with segment: the text tower loads only when it lacks this vocabulary
        PipelinePlan plan = PipelinePlan.prepare(main.resolver(), EmbeddingCache.fromEnvironment(),
                folder.dir().toString(), request);
        String device = LocalDevice.resolve(plan.device(), plan.precision());
        SegmentationSettings settings = plan.vocabularies().get(0).settings();
        QueryEmbeddings queries = plan.vocabularies().get(0).queries();
        RgbImage photo = image == null ? null
                : new ImageDecoder(settings.maxPixels()).decode(Files.readAllBytes(image), image.toString());
        SegmentationPipeline.Prediction prediction;
        try (SegmentationPipeline pipeline = SegmentationPipeline.open(plan, device, null)) {
            prediction = photo != null ? pipeline.predict(photo) : pipeline.predict(fromTensor());
        }
        LabelMap map = prediction.maps().get(0);
        VocabularyMask mask = prediction.masks().get(0);
        Npy.writeInt32(outLabels, map.labels(), map.height(), map.width());
        write(outMask, mask.maskPng());
        write(outConfidence, mask.confidencePng());
        if (overlay != null) {
            Palette palette = Palette.voc(Math.min(65536, Math.max(256, queries.classes())));
            write(overlay, Overlay.render(photo, map.labels(), queries.classNames(), palette));
        }
        if (outJson != null) {
            String source = image != null ? image.toString() : tensor.toString();
            write(outJson, PredictionReport.json(source, prediction.prepared(), model, plan.weightsSha256(), queries,
                    settings, plan.output(), mask));
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
