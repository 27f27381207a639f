package dev.clearclip.model;

import dev.clearclip.weights.ClipConfig;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clearclip.weights.ClipCheckpoint;
import dev.clearclip.weights.Towers;

import java.util.Set;

/**
 * A loaded CLIP with ClearCLIP's (or a comparison variant's) last vision block. All weights live in one NDManager
 * owned by the model; every call works in a sub-manager of the caller's (or its own) that is closed per call, so
 * native memory stays flat over millions of images. Thread-safe: weights are only read.
 */
public final class ClipModel implements AutoCloseable {
    private final NDManager weights;
    private final ClipConfig config;
    private final VisionTower vision;
    private final TextTower text;
    private final LastBlockVariant attention;
    private final double gaussianStd;
    private final Set<Correction> corrections;
    private final Precision precision;
    private final MixedPrecision mp;
    private final Kernels kernels;

    private ClipModel(NDManager weights, ClipConfig config, VisionTower vision, TextTower text, LastBlockVariant attention,
                      double gaussianStd, Set<Correction> corrections, Precision precision, MixedPrecision mp,
                      Kernels kernels) {
        this.gaussianStd = gaussianStd;
        this.corrections = corrections;
        this.weights = weights;
        this.precision = precision;
        this.mp = mp;
        this.kernels = kernels;
        this.config = config;
        this.vision = vision;
        this.text = text;
        this.attention = attention;
    }

    public static ClipModel load(ClipCheckpoint checkpoint, LastBlockVariant attention, Towers towers, Device device) {
        return load(checkpoint, attention, towers, device, Precision.FP32);
    }

    /** {@code precision} applies to the image encoder's matmuls and convs; the text tower always runs in fp32. */
    public static ClipModel load(ClipCheckpoint checkpoint, LastBlockVariant attention, Towers towers, Device device,
                                 Precision precision) {
        return load(checkpoint, attention, towers, device, precision, KernelChoice.AUTO);
    }

    /** {@code kernels}: EAGER only to compare against DJL's plain ops; AUTO is the production path. */
    public static ClipModel load(ClipCheckpoint checkpoint, LastBlockVariant attention, Towers towers, Device device,
                                 Precision precision, KernelChoice kernels) {
        return load(checkpoint, attention, LastBlockVariant.DEFAULT_GAUSSIAN_STD, towers, device, precision, kernels);
    }

    /** {@code gaussianStd}: the NACLIP last block's neighbourhood bias width in patches (unused by other blocks). */
    public static ClipModel load(ClipCheckpoint checkpoint, LastBlockVariant attention, double gaussianStd, Towers towers,
                                 Device device, Precision precision, KernelChoice kernels) {
        return load(checkpoint, attention, gaussianStd, Correction.none(), towers, device, precision, kernels);
    }

    /** {@code corrections}: official-code bugs to correct; only those that change the encoder are kept. */
    public static ClipModel load(ClipCheckpoint checkpoint, LastBlockVariant attention, double gaussianStd,
                                 Set<Correction> corrections, Towers towers, Device device, Precision precision,
                                 KernelChoice kernels) {
        Set<Correction> encoder = Correction.encoderOnly(corrections);
        NDManager manager = NDManager.newBaseManager(device);
        MixedPrecision mp = null;
        Kernels k = null;
        try {
            mp = MixedPrecision.create(precision, manager);
            ParameterLoader p = new ParameterLoader(checkpoint, manager);
            VisionTower v = null;
            if (towers != Towers.TEXT) {
                k = Kernels.create(kernels, mp, manager);
                v = new VisionTower(p, attention, gaussianStd, encoder, mp, k);
            }
            TextTower t = towers != Towers.VISION ? new TextTower(p) : null;
            return new ClipModel(manager, checkpoint.config(), v, t, attention, gaussianStd, encoder, precision, mp,
                    k);
        } catch (RuntimeException e) {
            if (k != null) {
                k.close();
            }
            if (mp != null) {
                mp.close();
            }
            manager.close();
            throw e;
        }
    }

    public ClipConfig config() {
        return config;
    }

    public LastBlockVariant attention() {
        return attention;
    }

    /** The NACLIP neighbourhood bias width in patches this model was loaded with (unused by other last blocks). */
    public double gaussianStd() {
        return gaussianStd;
    }

    /** The encoder corrections this model was loaded with (none = the official encoder). */
    public Set<Correction> corrections() {
        return corrections;
    }

    public Precision precision() {
        return precision;
    }

    public int patchSize() {
        return config.vision().patchSize();
    }

    public Device device() {
        return weights.getDevice();
    }

    /** A per-call scope for the caller's arrays; close it after the call. */
    public NDManager newScope() {
        return weights.newSubManager();
    }

    /** images (B, 3, H, W) -> patch features (B, Hp*Wp, E) after ln_post and proj, not normalised; in images' manager. */
    public NDArray denseFeatures(NDArray images) {
        return requireVision().patches(images);
    }

    /**
     * images (B, 3, H, W) -> every token (B, 1 + Hp*Wp, E), CLS first (with VANILLA, row 0 is CLIP's image embedding);
     * refused for SC-CLIP, whose output has no CLS row.
     */
    public NDArray allTokens(NDArray images) {
        return requireVision().tokens(images);
    }

    /**
     * Java-array convenience: normalised dense features {@code [B, Hp*Wp, E]} of a {@code [B, 3, H, W]} float32 batch.
     */
    public float[] normalisedDenseFeatures(float[] chw, int batch, int height, int width) {
        try (NDManager scope = newScope()) {
            NDArray images = scope.create(chw, new Shape(batch, 3, height, width));
            NDArray dense = denseFeatures(images);
            return dense.div(dense.norm(new int[] {-1}, true)).toFloatArray();
        }
    }

    /** Unnormalised text embeddings (N, E) of token rows, in {@code scope}. */
    public NDArray textFeatures(NDManager scope, int[][] tokens) {
        if (text == null) {
            throw new IllegalStateException("this model was loaded without its text tower");
        }
        return text.encode(scope, tokens);
    }

    /** The image encoder's kernels, for logs and benchmark lines ("none" without an image encoder). */
    public String kernels() {
        return kernels == null ? "none" : kernels.describe();
    }

    public int contextLength() {
        return config.text().contextLength();
    }

    VisionTower vision() {
        return requireVision();
    }

    private VisionTower requireVision() {
        if (vision == null) {
            throw new IllegalStateException("this model was loaded without its image encoder");
        }
        return vision;
    }

    /** Native arrays alive under the model's manager, weights included (leak checks). */
    public int liveArrayCount() {
        return count(weights);
    }

    private static int count(NDManager m) {
        int n = m.getManagedArrays().size();
        for (ai.djl.ndarray.NDResource r : m.getManagedArrays()) {
            if (r instanceof NDManager child) {
                n += count(child) - 1;
            }
        }
        return n;
    }

    @Override
    public void close() {
        if (kernels != null) {
            kernels.close();
        }
        mp.close();
        weights.close();
    }
}
