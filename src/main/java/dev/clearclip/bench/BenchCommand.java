package dev.clearclip.bench;

import dev.clearclip.model.IntraOpThreads;
import ai.djl.Device;
import dev.clearclip.cli.SegmentationOptions;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.config.VocabularySource;
import dev.clearclip.image.ImageDecoder;
import dev.clearclip.inference.ClearClipImageSegmenter;
import dev.clearclip.inference.PreparedImage;
import dev.clearclip.inference.QueryEmbeddings;
import dev.clearclip.inference.Segmenter;
import dev.clearclip.inference.SegmenterSpec;
import dev.clearclip.inference.ImagePreparer;
import dev.clearclip.inference.Window;
import dev.clearclip.model.ClipModel;
import dev.clearclip.model.KernelChoice;
import dev.clearclip.vocabulary.Vocabulary;
import dev.clearclip.weights.ClipCheckpoint;
import dev.clearclip.weights.ModelFolder;
import dev.clearclip.weights.ModelLoader;
import dev.clearclip.weights.Towers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Throughput of the full path (decode, resize, windows, encoder, labels, masks) on synthetic images.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "model folder, hub id, or random:ViT-B/16 | random:ViT-L/14 | random:tiny (random weights)")
    String model;
    @Mixin
    SegmentationOptions options;
    @Option(names = "--images", paramLabel = "N", description = "timed images (default ${DEFAULT-VALUE})")
    int images = 20;
    @Option(names = "--batch", paramLabel = "B", description = "images per segment() call (default ${DEFAULT-VALUE})")
    int batch = 1;
    @Option(names = "--size", paramLabel = "WxH", description = "synthetic image size (default ${DEFAULT-VALUE})")
    String size = "597x448";
    @Option(names = "--format", paramLabel = "jpg|png", description = "synthetic image format (default ${DEFAULT-VALUE})")
    String format = "jpg";
    @Option(names = "--warmup", paramLabel = "K", description = "untimed calls per worker first (default ${DEFAULT-VALUE})")
    int warmup = 1;
    @Option(names = "--workers", paramLabel = "W",
            description = "concurrent segment() callers, like Spark tasks per executor (default ${DEFAULT-VALUE})")
    int workers = 1;
    @Option(names = "--threads", paramLabel = "T", description = "intra-op threads per worker (default: cores / workers)")
    Integer threads;
    @Option(names = "--seed", description = "seed of random weights and images (default ${DEFAULT-VALUE})")
    long seed = 7;
    @Option(names = "--kernels", paramLabel = "auto|eager", converter = KernelChoiceConverter.class,
            description = "encoder kernels: auto (fused where libtorch has them) or eager (DJL's plain ops, for "
                    + "comparison) (default ${DEFAULT-VALUE})")
    KernelChoice kernels = KernelChoice.AUTO;

    PrintStream out = System.out;

    /** Stand-alone entry until the command is registered in {@code clearclip}'s main. */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        require(images > 0 && batch > 0 && warmup >= 0 && workers > 0, "--images " + images + ", --batch " + batch
                + ", --warmup " + warmup + ", --workers " + workers + ": counts must be positive (warmup >= 0)");
        int[] wh = parseSize(size);
        int cores = Runtime.getRuntime().availableProcessors();
        int perWorker = threads != null ? threads : IntraOpThreads.perTask(cores, workers);
        require(perWorker > 0, "--threads must be positive, got " + perWorker);
        SegmentationSettings settings = options.settings();
        OutputOptions output = options.output();
        long rssBefore = ProcessMemory.rssBytes();
        ClipModel clip = loadModel(settings);
        Segmenter segmenter;
        try {
            segmenter = new Segmenter(clip, settings, queries(clip), output);
        } catch (RuntimeException e) {
            clip.close();
            throw e;
        }
        try (ClearClipImageSegmenter imageSegmenter = new ClearClipImageSegmenter(clip, segmenter, output)) {
            List<byte[]> files = SyntheticImages.make(Math.min(8, images), wh[0], wh[1], format, seed);
            PreparedImage sample = new ImagePreparer(settings)
                    .prepare(new ImageDecoder(settings.maxPixels()).decode(files.get(0), "synthetic-0"));
            List<Window> windows = segmenter.windows(sample);
            double flopsPerImage = 0;
            for (Window w : windows) {
                flopsPerImage += EncoderFlops.perWindow(clip.config(), settings.attention(),
                        w.paddedHeight() / clip.patchSize(), w.paddedWidth() / clip.patchSize());
            }
            out.printf(Locale.ROOT, "model %s: vision width %d, %d layers, patch %d; attention %s, precision %s, "
                            + "kernels %s%n", model, clip.config().vision().width(), clip.config().vision().layers(),
                    clip.patchSize(), settings.attention().label(), settings.precision().label(), clip.kernels());
            out.printf(Locale.ROOT, "images %dx%d %s -> resized %dx%d, %d windows of %dx%d each; window batch %d, "
                            + "%d image(s) per call, %d worker(s) x %d intra-op thread(s) on %d cores%n",
                    wh[0], wh[1], format, sample.width(), sample.height(), windows.size(),
                    windows.get(0).paddedWidth(), windows.get(0).paddedHeight(), settings.windowBatch(), batch,
                    workers, perWorker, cores);
            BenchLoop.Result r = new BenchLoop(imageSegmenter, clip, files, out)
                    .run(images, batch, warmup, workers, perWorker);
            report(r, windows.size(), flopsPerImage, rssBefore);
            return r.failed() == 0 ? 0 : 1;
        }
    }

    private void report(BenchLoop.Result r, int windowsPerImage, double flopsPerImage, long rssBefore) {
        double ips = r.images() / r.seconds();
        out.printf(Locale.ROOT, "%d images in %.2f s: %.3f images/s, %.3f windows/s, %.1f ms/image, "
                        + "%.1f GFLOP/s (%.1f GFLOP per image)%n", r.images(), r.seconds(), ips, ips * windowsPerImage,
                1000 / ips, ips * flopsPerImage / 1e9, flopsPerImage / 1e9);
        out.printf(Locale.ROOT, "memory: RSS %s before the model, %s after warm-up, %s at the end (heap used %s); "
                        + "live native arrays %d after warm-up, %d at the end%n", ProcessMemory.mib(rssBefore),
                ProcessMemory.mib(r.rssStart()), ProcessMemory.mib(r.rssEnd()), ProcessMemory.mib(r.heapEnd()),
                r.arraysStart(), r.arraysEnd());
        out.printf(Locale.ROOT, "CPU time %.1f s: %.2f CPU-s per image%n", r.cpuSeconds(), r.cpuSeconds() / r.images());
        out.printf(Locale.ROOT, "RESULT precision=%s kernels=%s images_per_s=%.4f ms_per_image=%.1f "
                        + "windows_per_s=%.4f gflops=%.1f cpu_s_per_image=%.2f failed=%d%n",
                options.settings().precision().label(), kernels.label(), ips, 1000 / ips, ips * windowsPerImage,
                ips * flopsPerImage / 1e9, r.cpuSeconds() / r.images(), r.failed());
    }

    private ClipModel loadModel(SegmentationSettings settings) {
        ClipCheckpoint checkpoint;
        if (RandomClip.isRandom(model)) {
            checkpoint = RandomClip.vision(model, seed);
        } else {
            ModelFolder folder = dev.clearclip.weights.ModelResolver.fromEnvironment(false).resolve(model);
            checkpoint = ModelLoader.load(folder, Towers.VISION);
        }
        settings.validateFor(checkpoint.config().vision().patchSize());
        return ClipModel.load(checkpoint, settings.attention(), Towers.VISION, Device.cpu(), settings.precision(),
                kernels);
    }

    static final class KernelChoiceConverter implements picocli.CommandLine.ITypeConverter<KernelChoice> {
        @Override
        public KernelChoice convert(String value) {
            return KernelChoice.parse(value);
        }
    }

    /** Random unit rows for random models (their text tower would be noise anyway); the real text tower otherwise. */
    private List<QueryEmbeddings> queries(ClipModel clip) {
        if (!RandomClip.isRandom(model)) {
            return SegmenterSpec.prepare(model, options.vocabularies(), options.settings(), options.output())
                    .vocabularies();
        }
        List<QueryEmbeddings> out = new ArrayList<>();
        for (String arg : options.vocabularies()) {
            VocabularySource source = VocabularySource.resolve(arg);
            Vocabulary v = Vocabulary.parse(source.name(), source.text());
            out.add(RandomClip.queries(v, clip.config().embedDim(), seed + out.size() + 1));
        }
        return out;
    }

    static int[] parseSize(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int w = Integer.parseInt(parts[0].strip());
                int h = Integer.parseInt(parts[1].strip());
                if (w > 0 && h > 0) {
                    return new int[] {w, h};
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("--size '" + text + "': expected WIDTHxHEIGHT with positive integers, e.g. 597x448");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
