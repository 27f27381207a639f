package dev.clearclip.inference;

import dev.clearclip.vocabulary.QueryEmbeddings;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.model.ClipModel;
import dev.clearclip.model.LastBlockVariant;

import java.util.ArrayList;
import java.util.List;

/**
 * Sliding-window segmentation of normalised images: windows of all given images are encoded in shared batches, then
 * each image's window logits are upsampled, averaged where windows overlap and decoded to label maps for every
 * vocabulary, each with its own logit scale and probability threshold (the vocabularies share the window geometry).
 * Thread-safe; owns only the stacked query matrix.
 */
public final class SlidingWindowInference implements AutoCloseable {
    private final ClipModel model;
    private final SegmentationSettings settings;
    private final QueryBank bank;
    private final NDManager own;
    private final WindowEncoder encoder;
    private final LabelDecoder decoder;
    private final Pamr pamr; // null = off

    public SlidingWindowInference(ClipModel model, SegmentationSettings settings, List<QueryEmbeddings> vocabularies,
                                  OutputOptions output) {
        this(model, vocabularies, java.util.Collections.nCopies(vocabularies.size(), settings), output);
    }

    /** {@code perVocabulary.get(i)} decodes {@code vocabularies.get(i)}; all must share windows and encoder settings. */
    public SlidingWindowInference(ClipModel model, List<QueryEmbeddings> vocabularies,
                                  List<SegmentationSettings> perVocabulary, OutputOptions output) {
        if (perVocabulary.size() != vocabularies.size() || perVocabulary.isEmpty()) {
            throw new IllegalArgumentException(perVocabulary.size() + " settings for " + vocabularies.size()
                    + " vocabularies");
        }
        SegmentationSettings settings = perVocabulary.get(0);
        for (SegmentationSettings other : perVocabulary) {
            if (!other.sameWindows(settings) || !other.sameEncoder(settings)) {
                throw new IllegalArgumentException("vocabularies of one pass need the same windows and encoder: "
                        + settings + " vs " + other);
            }
        }
        settings.validateFor(model.patchSize());
        if (model.attention() != settings.attention() || (settings.attention() == LastBlockVariant.NACLIP
                && model.gaussianStd() != settings.gaussianStd())
                || !model.corrections().equals(settings.encoderCorrections())) {
            throw new IllegalArgumentException("the encoder runs the " + model.attention().label() + " last block (std "
                    + model.gaussianStd() + ", corrected " + model.corrections() + ") but the settings ask for "
                    + settings.attention().label() + " (std " + settings.gaussianStd() + ", corrected "
                    + settings.encoderCorrections() + ")");
        }
        this.model = model;
        this.settings = settings;
        this.bank = QueryBank.of(vocabularies);
        if (bank.embedDim() != model.config().embedDim()) {
            throw new IllegalArgumentException("text embeddings have " + bank.embedDim() + " dims but the model's image "
                    + "embeddings have " + model.config().embedDim() + ": embedded with another model?");
        }
        this.own = model.newScope();
        NDArray queriesT = own.create(bank.features(), new Shape(bank.queries(), bank.embedDim())).transpose(1, 0);
        this.encoder = new WindowEncoder(model, queriesT, settings.windowBatch());
        this.decoder = new LabelDecoder(bank, perVocabulary, output);
        this.pamr = settings.pamrSteps() > 0 ? new Pamr(settings.pamrSteps(), settings.pamrDilations()) : null;
    }

    public SegmentationSettings settings() {
        return settings;
    }

    public List<QueryEmbeddings> vocabularies() {
        return bank.vocabularies();
    }

    /**
     * Windows of one image, in encoder order. NACLIP, SCLIP and SC-CLIP officially feed whole patches only and
     * stretch their logits (naclip.py:65-68), ClearCLIP's whole image too; {@code --corrected padding} pads them all.
     */
    public List<Window> windows(PreparedImage image) {
        return windows(settings, image.height(), image.width(), model.patchSize());
    }

    /** The windows these settings cut from a resized image of {@code height x width}, in encoder order. */
    public static List<Window> windows(SegmentationSettings settings, int height, int width, int patch) {
        if (!settings.slide()) {
            return List.of(WindowPlan.whole(height, width, patch, settings.padsWholeImage()));
        }
        return WindowPlan.slide(height, width, settings.crop(), settings.stride(), patch, settings.padsWindows());
    }

    /** One label map per vocabulary for every image, in input order. */
    public List<List<LabelMap>> segment(List<PreparedImage> images) {
        List<WindowEncoder.Job> jobs = new ArrayList<>();
        int[] firstJob = new int[images.size() + 1];
        for (int i = 0; i < images.size(); i++) {
            firstJob[i] = jobs.size();
            for (Window w : windows(images.get(i))) {
                jobs.add(WindowEncoder.Job.of(images.get(i), w, model.patchSize()));
            }
        }
        firstJob[images.size()] = jobs.size();
        float[][] logits = encoder.encode(jobs);
        List<List<LabelMap>> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            out.add(decode(images.get(i), jobs.subList(firstJob[i], firstJob[i + 1]),
                    java.util.Arrays.copyOfRange(logits, firstJob[i], firstJob[i + 1])));
        }
        return out;
    }

    /**
     * The averaged logits at resized resolution (Q, H, W) (sliding, or a whole image stretched to its size by a
     * method that does not pad) or patch resolution (a whole image, padding methods), for tests.
     */
    NDArray mergedLogits(NDManager scope, PreparedImage image, List<WindowEncoder.Job> jobs, float[][] logits) {
        int q = bank.queries();
        if (!settings.slide() && settings.method().padsWindows() && !settings.padsWholeImage()) {
            WindowEncoder.Job j = jobs.get(0);
            return scope.create(logits[0], new Shape(q, j.gridH(), j.gridW()));
        }
        NDArray sum = scope.zeros(new Shape(q, image.height(), image.width()));
        NDArray count = scope.zeros(new Shape(1, image.height(), image.width()));
        for (int i = 0; i < jobs.size(); i++) {
            WindowEncoder.Job j = jobs.get(i);
            Window w = j.window();
            NDArray patchLogits = scope.create(logits[i], new Shape(q, j.gridH(), j.gridW()));
            NDArray up = Bilinear.resize(patchLogits, w.paddedHeight(), w.paddedWidth())
                    .get(new NDIndex(":, {}:{}, {}:{}", w.padTop(), w.padTop() + w.height(), w.padLeft(),
                            w.padLeft() + w.width()));
            NDIndex region = new NDIndex(":, {}:{}, {}:{}", w.y1(), w.y2(), w.x1(), w.x2());
            sum.set(region, sum.get(region).add(up));
            count.set(region, count.get(region).add(1f));
        }
        return sum.div(count);
    }

    private List<LabelMap> decode(PreparedImage image, List<WindowEncoder.Job> jobs, float[][] logits) {
        try (NDManager scope = model.newScope()) {
            NDArray merged = mergedLogits(scope, image, jobs, logits);
            if (pamr != null) {
                // a failure fails the image; NACLIP's silent fallback to no PAMR (naclip.py:129-135) is not ported
                merged = refine(scope, image, merged);
            }
            return decoder.decode(merged, image.originalHeight(), image.originalWidth());
        }
    }

    /**
     * PAMR as NACLIP applies it: on the cosine logits resized to the original size, guided by the normalised input
     * resized the same way (bilinear, align_corners=False), before the logit scale. (Q, h0, w0) out.
     */
    NDArray refine(NDManager scope, PreparedImage image, NDArray merged) {
        int h0 = image.originalHeight();
        int w0 = image.originalWidth();
        NDArray full = Bilinear.resize(merged, h0, w0).expandDims(0); // (1, Q, h0, w0)
        NDArray input = scope.create(image.chw(), new Shape(3, image.height(), image.width()));
        NDArray guide = Bilinear.resize(input, h0, w0).expandDims(0); // (1, 3, h0, w0)
        return pamr.refine(guide, full).squeeze(0);
    }

    /**
     * Nanoseconds of this pass's PAMR on one image's logits (zeros of the real shape; PAMR's cost does not depend on
     * the values), for bench; 0 when PAMR is off.
     */
    public long refineNanos(PreparedImage image) {
        if (pamr == null) {
            return 0;
        }
        try (NDManager scope = model.newScope()) {
            NDArray merged = scope.zeros(new Shape(bank.queries(), image.height(), image.width()));
            long start = System.nanoTime();
            NDArray refined = refine(scope, image, merged);
            refined.getFloat(0, 0, 0); // waits for a device to finish
            return System.nanoTime() - start;
        }
    }

    /** Per-window patch logits (Q, gridH, gridW) of one image, for parity tests. */
    float[][] windowLogits(PreparedImage image) {
        List<WindowEncoder.Job> jobs = windows(image).stream()
                .map(w -> WindowEncoder.Job.of(image, w, model.patchSize())).toList();
        return encoder.encode(jobs);
    }

    @Override
    public void close() {
        own.close();
    }
}
