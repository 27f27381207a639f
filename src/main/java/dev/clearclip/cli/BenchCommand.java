package dev.clearclip.cli;

import dev.clearclip.bench.BenchLoop;
import dev.clearclip.bench.ProcessMemory;
import dev.clearclip.bench.RandomClip;
import dev.clearclip.bench.SyntheticImages;
import dev.clearclip.config.SegmentationRequest;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.image.ImageDecoder;
import dev.clearclip.image.RgbImage;
import dev.clearclip.inference.PreparedImage;
import dev.clearclip.inference.Window;
import dev.clearclip.model.ClipModel;
import dev.clearclip.model.EncoderFlops;
import dev.clearclip.model.GemmPeak;
import dev.clearclip.model.Precision;
import dev.clearclip.model.IntraOpThreads;
import dev.clearclip.model.KernelChoice;
import dev.clearclip.pipeline.Devices;
import dev.clearclip.pipeline.PipelinePlan;
import dev.clearclip.pipeline.SegmentationPipeline;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.vocabulary.Vocabulary;
import dev.clearclip.weights.ClipCheckpoint;
import dev.clearclip.weights.Towers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Throughput of the full path (decode, resize, windows, encoder, labels, masks) on synthetic images.")
public final class BenchCommand implements Callable<Integer> {

    @picocli.CommandLine.ParentCommand
    Main main;

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
    @Option(names = "--peak", description = "also measure this machine's fp32 and bf16 GEMM peak through the same "
            + "libtorch and workers x threads layout, and print the encoder's GFLOP/s as a fraction of each")
    boolean peak;
    @Option(names = "--profile", paramLabel = "FILE", description = "write a chrome trace of worker 0's libtorch ops "
            + "in the timed part (summarise with bench/profile_summary.py)")
    String profile;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private java.io.PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        require(images > 0 && batch > 0 && warmup >= 0 && workers > 0, "--images " + images + ", --batch " + batch
                + ", --warmup " + warmup + ", --workers " + workers + ": counts must be positive (warmup >= 0)");
        int[] wh = parseSize(size);
        int cores = Runtime.getRuntime().availableProcessors();
        int perWorker = threads != null ? threads : IntraOpThreads.perTask(cores, workers);
        require(perWorker > 0, "--threads must be positive, got " + perWorker);
        SegmentationRequest request = options.request();
        long rssBefore = ProcessMemory.rssBytes();
        ClipModel own = null;
        SegmentationPipeline pipeline;
        if (RandomClip.isRandom(model)) {
            // random weights: random unit query rows (a random text tower would be noise anyway)
            PipelinePlan plan = PipelinePlan.withQueries(model, "random-" + seed, request,
                    new RandomQueries(RandomClip.config(model).embedDim(), seed)).withKernels(kernels);
            String device = LocalDevice.resolve(plan.device(), plan.precision());
            ClipCheckpoint checkpoint = RandomClip.vision(model, seed);
            own = ClipModel.load(checkpoint, plan.encoderSettings().attention(), plan.encoderSettings().gaussianStd(),
                    plan.encoderSettings().corrections(), Towers.VISION, Devices.djl(device), plan.precision(), kernels);
            try {
                pipeline = new SegmentationPipeline(plan, own, device);
            } catch (RuntimeException e) {
                own.close();
                throw e;
            }
        } else {
            PipelinePlan plan = PipelinePlan.prepare(model, request, Main.hubAccess(main))
                    .withKernels(kernels);
            pipeline = SegmentationPipeline.open(plan, LocalDevice.resolve(plan.device(), plan.precision()), null);
        }
        try {
            return run(pipeline, wh, cores, perWorker, rssBefore);
        } finally {
            pipeline.close();
            if (own != null) {
                own.close();
            }
        }
    }

    private int run(SegmentationPipeline pipeline, int[] wh, int cores, int perWorker, long rssBefore)
            throws Exception {
        ClipModel clip = pipeline.encoder();
        SegmentationSettings settings = pipeline.plan().encoderSettings();
        List<byte[]> files = SyntheticImages.make(Math.min(8, images), wh[0], wh[1], format, seed);
        RgbImage decoded = new ImageDecoder(settings.maxPixels()).decode(files.get(0), "synthetic-0");
        double flopsPerImage = 0;
        int windowsPerImage = 0;
        StringBuilder geometry = new StringBuilder();
        for (int p = 0; p < pipeline.passCount(); p++) {
            PreparedImage sample = pipeline.prepare(p, decoded);
            List<Window> windows = pipeline.inference(p).windows(sample);
            windowsPerImage += windows.size();
            for (Window w : windows) {
                flopsPerImage += EncoderFlops.perWindow(clip.config(), settings.attention(),
                        w.paddedHeight() / clip.patchSize(), w.paddedWidth() / clip.patchSize());
            }
            geometry.append(String.format(Locale.ROOT, "%sresized %dx%d, %d windows of %dx%d", p == 0 ? "" : "; ",
                    sample.width(), sample.height(), windows.size(), windows.get(0).paddedWidth(),
                    windows.get(0).paddedHeight()));
        }
        out.printf(Locale.ROOT, "model %s: vision width %d, %d layers, patch %d; method %s, attention %s, PAMR %s, "
                        + "precision %s, kernels %s, device %s%n", model, clip.config().vision().width(),
                clip.config().vision().layers(), clip.patchSize(), settings.method().label(),
                settings.attention().label(), pamrLabel(settings), settings.precision().label(), clip.kernels(),
                pipeline.device());
        out.printf(Locale.ROOT, "images %dx%d %s -> %s; window batch %d, %d image(s) per call, %d worker(s) x %d "
                        + "intra-op thread(s) on %d cores%n", wh[0], wh[1], format, geometry, settings.windowBatch(),
                batch, workers, perWorker, cores);
        BenchLoop.Result r = new BenchLoop(pipeline, files, out).run(images, batch, warmup, workers, perWorker, profile);
        double[] peaks = peak ? peaks(clip.device(), perWorker) : null;
        report(r, windowsPerImage, flopsPerImage, rssBefore, settings, peaks);
        if (settings.pamrSteps() > 0) {
            // PAMR's share of the time above, measured alone on the first pass's logits of one image
            PreparedImage sample = pipeline.prepare(0, decoded);
            pipeline.inference(0).refineNanos(sample);
            long nanos = 0;
            for (int i = 0; i < 3; i++) {
                nanos += pipeline.inference(0).refineNanos(sample);
            }
            out.printf(Locale.ROOT, "PAMR %s at %dx%d: %.1f ms per image (of the ms/image above)%n",
                    pamrLabel(settings), sample.originalWidth(), sample.originalHeight(), nanos / 3e6);
        }
        return r.failed() == 0 ? 0 : 1;
    }

    /** fp32 and bf16 GEMM peaks in GFLOP/s, with the bench's workers x threads layout. */
    private double[] peaks(ai.djl.Device device, int perWorker) throws InterruptedException {
        double fp32 = GemmPeak.gflops(Precision.FP32, device, workers, perWorker);
        double bf16 = GemmPeak.gflops(Precision.BF16, device, workers, perWorker);
        out.printf(Locale.ROOT, "GEMM peak, (%dx%d)x(%dx%d) linear, %d worker(s) x %d thread(s): fp32 %.1f GFLOP/s, "
                + "bf16 %.1f GFLOP/s%n", GemmPeak.M, GemmPeak.K, GemmPeak.K, GemmPeak.N, workers, perWorker, fp32, bf16);
        return new double[] {fp32, bf16};
    }

    /** Random unit rows per vocabulary, seeded by its position. */
    private static final class RandomQueries implements java.util.function.Function<Vocabulary, QueryEmbeddings> {
        private final int embedDim;
        private final long seed;
        private int next;

        RandomQueries(int embedDim, long seed) {
            this.embedDim = embedDim;
            this.seed = seed;
        }

        @Override
        public QueryEmbeddings apply(Vocabulary v) {
            return RandomClip.queries(v, embedDim, seed + ++next);
        }
    }

    private void report(BenchLoop.Result r, int windowsPerImage, double flopsPerImage, long rssBefore,
                        SegmentationSettings settings, double[] peaks) {
        double ips = r.images() / r.seconds();
        double gflops = ips * flopsPerImage / 1e9;
        out.printf(Locale.ROOT, "%d images in %.2f s: %.3f images/s, %.3f windows/s, %.1f ms/image, "
                        + "%.1f GFLOP/s (%.1f GFLOP per image)%n", r.images(), r.seconds(), ips, ips * windowsPerImage,
                1000 / ips, gflops, flopsPerImage / 1e9);
        String peakFields = "";
        if (peaks != null) {
            out.printf(Locale.ROOT, "encoder %.1f GFLOP/s = %.1f %% of the fp32 GEMM peak, %.1f %% of the bf16 GEMM peak%n",
                    gflops, 100 * gflops / peaks[0], 100 * gflops / peaks[1]);
            peakFields = String.format(Locale.ROOT, " peak_fp32=%.1f peak_bf16=%.1f of_peak_fp32=%.3f of_peak_bf16=%.3f",
                    peaks[0], peaks[1], gflops / peaks[0], gflops / peaks[1]);
        }
        out.printf(Locale.ROOT, "memory: RSS %s before the model, %s after warm-up, %s at the end (heap used %s); "
                        + "live native arrays %d after warm-up, %d at the end%n", ProcessMemory.mib(rssBefore),
                ProcessMemory.mib(r.rssStart()), ProcessMemory.mib(r.rssEnd()), ProcessMemory.mib(r.heapEnd()),
                r.arraysStart(), r.arraysEnd());
        out.printf(Locale.ROOT, "CPU time %.1f s: %.2f CPU-s per image%n", r.cpuSeconds(), r.cpuSeconds() / r.images());
        out.printf(Locale.ROOT, "RESULT method=%s attention=%s pamr=%d precision=%s kernels=%s images_per_s=%.4f "
                        + "ms_per_image=%.1f windows_per_s=%.4f gflops=%.1f cpu_s_per_image=%.2f failed=%d%s%n",
                settings.method().label(), settings.attention().label(), settings.pamrSteps(),
                settings.precision().label(), kernels.label(), ips, 1000 / ips, ips * windowsPerImage,
                gflops, r.cpuSeconds() / r.images(), r.failed(), peakFields);
    }

    private static String pamrLabel(SegmentationSettings s) {
        return s.pamrSteps() == 0 ? "off" : s.pamrSteps() + " steps, dilations " + s.pamrDilations();
    }

    static final class KernelChoiceConverter implements picocli.CommandLine.ITypeConverter<KernelChoice> {
        @Override
        public KernelChoice convert(String value) {
            return KernelChoice.parse(value);
        }
    }

    public static int[] parseSize(String text) {
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
