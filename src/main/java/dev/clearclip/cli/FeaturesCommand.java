package dev.clearclip.cli;

import ai.djl.Device;
import dev.clearclip.io.Npy;
import dev.clearclip.config.Method;
import dev.clearclip.model.Correction;
import dev.clearclip.model.KernelChoice;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;
import dev.clearclip.weights.ClipConfig;
import dev.clearclip.model.ClipModel;
import dev.clearclip.weights.ModelFolder;
import dev.clearclip.weights.ModelLoader;
import dev.clearclip.weights.Towers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Callable;

/** Dense patch features of normalised images, for parity checks against the Python implementation. */
@Command(name = "features", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false,
        description = "Dense L2-normalised patch features of normalised images (only the image encoder is loaded).")
final class FeaturesCommand implements Callable<Integer> {
    // images per forward pass: bounds native memory for large inputs
    private static final int CHUNK = 8;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "model folder (Hugging Face or OpenCLIP layout) or hub id, e.g. openai/clip-vit-base-patch16")
    String model;

    @Option(names = "--input", required = true, paramLabel = "X.npy",
            description = "float32 [B,3,H,W] normalised images; H and W multiples of the patch size")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "Y.npy",
            description = "float32 [B, Hp*Wp, E] L2-normalised features, patches in row-major order")
    Path out;

    @Option(names = "--method", paramLabel = "M", defaultValue = "clearclip",
            description = "clearclip (default), naclip, scclip or sclip: the method's image encoder")
    String method;

    @Option(names = "--attention", paramLabel = "A",
            description = "ablation: another last block (clearclip, vanilla, sclip, naclip, csa-reduced, maskclip, scclip)")
    String attention;

    @Option(names = "--gaussian-std", paramLabel = "S", description = "NACLIP's neighbourhood bias width in patches (default 5)")
    Double gaussianStd;

    @Option(names = "--corrected", paramLabel = "FIX[,FIX...]",
            description = "correct bugs of the official encoder (default none): lof (SC-CLIP: textbook LOF), pos-embed "
                    + "(resize the positional table for every non-square grid)")
    String corrected;

    @Option(names = "--pamr", paramLabel = "STEPS", hidden = true)
    Integer pamr;

    @Override
    public Integer call() throws Exception {
        if (pamr != null) {
            throw new IllegalArgumentException("features writes dense features only; --pamr refines label logits: use "
                    + "predict, segment or bench");
        }
        Set<Correction> corrections = corrected == null ? Correction.none() : Correction.parseList(corrected);
        if (corrections.contains(Correction.PADDING)) {
            throw new IllegalArgumentException("features takes images of whole patches: --corrected padding concerns "
                    + "the windows of predict, segment and bench");
        }
        LastBlockVariant variant = attention != null ? LastBlockVariant.parse(attention) : Method.parse(method).lastBlock();
        double std = gaussianStd != null ? gaussianStd : LastBlockVariant.DEFAULT_GAUSSIAN_STD;
        Inputs.ImageTensor images = Inputs.imageTensor(input, "--input");
        ModelFolder folder = main.resolveModel(model);
        ClipConfig config = ModelLoader.readConfig(folder);
        int patch = config.vision().patchSize();
        if (images.height() % patch != 0 || images.width() % patch != 0) {
            throw new IllegalArgumentException("--input " + input + ": image size " + images.height() + "x"
                    + images.width() + " is not a multiple of the model's patch size " + patch);
        }
        int tokens = (images.height() / patch) * (images.width() / patch);
        int dim = config.embedDim();
        float[] features = new float[images.batch() * tokens * dim];
        int perImage = 3 * images.height() * images.width();
        try (ClipModel clip = ClipModel.load(ModelLoader.load(folder, Towers.VISION), variant, std, corrections, Towers.VISION,
                Device.cpu(), Precision.FP32, KernelChoice.AUTO)) {
            for (int b = 0; b < images.batch(); b += CHUNK) {
                int n = Math.min(CHUNK, images.batch() - b);
                float[] chunk = Arrays.copyOfRange(images.chw(), b * perImage, (b + n) * perImage);
                float[] f = clip.normalisedDenseFeatures(chunk, n, images.height(), images.width());
                System.arraycopy(f, 0, features, b * tokens * dim, f.length);
            }
        }
        Npy.writeFloat32(out, features, images.batch(), tokens, dim);
        spec.commandLine().getOut().printf("wrote %s: float32 [%d, %d, %d] (%s)%n", out, images.batch(), tokens,
                dim, variant.label());
        return 0;
    }
}
