package dev.clearclip.pipeline;

import dev.clearclip.image.ImageDecodeException;
import dev.clearclip.image.ImageDecoder;
import dev.clearclip.image.RgbImage;
import dev.clearclip.inference.ImageInput;
import dev.clearclip.inference.ImageOutcome;
import dev.clearclip.inference.ImageOutcome.Failure;
import dev.clearclip.inference.ImagePreparer;
import dev.clearclip.inference.LabelMap;
import dev.clearclip.inference.PreparedImage;
import dev.clearclip.inference.RejectedInputException;
import dev.clearclip.inference.SlidingWindowInference;
import dev.clearclip.inference.VocabularyMask;
import dev.clearclip.model.ClipModel;
import dev.clearclip.model.Precision;
import dev.clearclip.output.MaskEncoder;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.vocabulary.QueryEmbeddings;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The one segmentation path of every entry point (the job, the Transformer, predict, bench): raw bytes -> decode ->
 * resize and normalise per window geometry -> batched windows on the shared encoder -> label maps -> mask PNG,
 * confidence, RLE and class statistics per vocabulary. A bad image becomes a failed outcome, never an exception.
 * Cheap to build (it owns only its query banks), thread-safe, and closed by whoever opened it; the encoder is
 * {@link JvmEncoders}'.
 */
public final class SegmentationPipeline implements AutoCloseable {

    /** Vocabularies sharing window geometry: one resize and one encoder pass per image. */
    private record Pass(int[] vocabularies, ImagePreparer preparer, SlidingWindowInference inference) {
    }

    /** What the decode stage hands to the encoder stage: prepared images per pass, or the failure per input. */
    record Decoded(List<ImageInput> inputs, PreparedImage[][] prepared, ImageOutcome[] failed) {
    }

    /** One image in full, for predict: label maps and encoded masks per vocabulary. */
    public record Prediction(PreparedImage prepared, List<LabelMap> maps, List<VocabularyMask> masks) {
    }

    private final PipelinePlan plan;
    private final ClipModel encoder;
    private final String device;
    private final List<Pass> passes = new ArrayList<>();
    private final ImageDecoder decoder;
    private final MaskEncoder masks;

    /** With the encoder of this JVM for {@code device} ("cpu", "gpu:N"), loaded on first use. */
    public static SegmentationPipeline open(PipelinePlan plan, String device, Runnable onEncoderLoad) {
        return new SegmentationPipeline(plan, JvmEncoders.get(plan, device, onEncoderLoad), device);
    }

    /** With an encoder the caller owns (bench's random models). */
    public SegmentationPipeline(PipelinePlan plan, ClipModel encoder, String device) {
        this.plan = plan;
        this.encoder = encoder;
        this.device = device;
        this.decoder = new ImageDecoder(plan.encoderSettings().maxPixels());
        this.masks = new MaskEncoder(plan.output());
        try {
            for (List<Integer> group : plan.passes()) {
                List<QueryEmbeddings> queries = new ArrayList<>();
                List<SegmentationSettings> settings = new ArrayList<>();
                for (int v : group) {
                    queries.add(plan.vocabularies().get(v).queries());
                    settings.add(plan.vocabularies().get(v).settings());
                }
                passes.add(new Pass(group.stream().mapToInt(Integer::intValue).toArray(),
                        new ImagePreparer(settings.get(0)),
                        new SlidingWindowInference(encoder, queries, settings, plan.output())));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public PipelinePlan plan() {
        return plan;
    }

    public ClipModel encoder() {
        return encoder;
    }

    /** Where the encoder runs ("cpu", "gpu:N"). */
    public String device() {
        return device;
    }

    public Precision precision() {
        return encoder.precision();
    }

    /** Encoder passes per image (vocabularies of different window geometry need their own). */
    public int passCount() {
        return passes.size();
    }

    /** The window plan of pass {@code pass} for an image (bench counts FLOPs with it). */
    public SlidingWindowInference inference(int pass) {
        return passes.get(pass).inference();
    }

    public PreparedImage prepare(int pass, RgbImage image) {
        return passes.get(pass).preparer().prepare(image);
    }

    /** One outcome per input, in input order. */
    public List<ImageOutcome> segmentBatch(List<ImageInput> inputs) {
        return encode(decode(inputs));
    }

    /**
     * Streams a partition in batches of {@code batchSize}, outcomes in input order: while batch n is on the encoder,
     * one helper thread reads and decodes batch n + 1 (the encoder's own threads do the matrix work). Close the
     * returned stream when the caller stops early.
     */
    public PipelinedBatches<Decoded> segmentStream(Iterator<ImageInput> inputs, int batchSize) {
        return new PipelinedBatches<>(inputs, batchSize, this::decode, this::encode);
    }

    /** As above; {@code beforeEncode} gets the uris of each batch's decoded images just before the engine does. */
    public PipelinedBatches<Decoded> segmentStream(Iterator<ImageInput> inputs, int batchSize,
                                                   java.util.function.Consumer<List<String>> beforeEncode) {
        return new PipelinedBatches<>(inputs, batchSize, this::decode, batch -> {
            List<String> engine = new ArrayList<>();
            for (int i = 0; i < batch.inputs().size(); i++) {
                if (batch.failed()[i] == null) {
                    engine.add(batch.inputs().get(i).uri());
                }
            }
            if (!engine.isEmpty()) {
                beforeEncode.accept(engine);
            }
            return encode(batch);
        });
    }

    /** Every vocabulary's label map and masks for one decoded photo; errors are thrown (predict is one image). */
    public Prediction predict(RgbImage photo) {
        requireOnePass("an image");
        return predict(prepare(0, photo));
    }

    /** The same for an image already resized and normalised (predict --tensor). */
    public Prediction predict(PreparedImage prepared) {
        requireOnePass("a prepared tensor");
        List<LabelMap> maps = passes.get(0).inference().segment(List.of(prepared)).get(0);
        return new Prediction(prepared, maps, encodeMasks(maps, passes.get(0)));
    }

    private void requireOnePass(String what) {
        if (passes.size() != 1) {
            throw new IllegalArgumentException(what + " is segmented at one window geometry; these vocabularies "
                    + "need " + passes.size());
        }
    }

    /** Read and decode stage: prepared images for every pass, or the error of each bad input. */
    Decoded decode(List<ImageInput> inputs) {
        ImageOutcome[] failed = new ImageOutcome[inputs.size()];
        PreparedImage[][] prepared = new PreparedImage[passes.size()][inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            ImageInput in = inputs.get(i);
            byte[] bytes;
            try {
                bytes = in.bytes();
            } catch (RejectedInputException | FileNotFoundException e) {
                failed[i] = ImageOutcome.failed(in.uri(), -1, -1, "cannot read: " + describe(e));
                continue;
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                failed[i] = ImageOutcome.failed(in.uri(), -1, -1, "cannot read: " + describe(e), Failure.READ);
                continue;
            }
            try {
                RgbImage image = decoder.decode(bytes, in.uri());
                for (int p = 0; p < passes.size(); p++) {
                    prepared[p][i] = passes.get(p).preparer().prepare(image);
                }
            } catch (ImageDecodeException e) {
                failed[i] = ImageOutcome.failed(in.uri(), -1, -1, e.reason().name().toLowerCase() + ": " + e.getMessage());
            } catch (RuntimeException e) {
                // the bytes were read: whatever the decoder throws on them, they fail the same way next time
                failed[i] = ImageOutcome.failed(in.uri(), -1, -1, "decode failed: " + describe(e));
            } catch (OutOfMemoryError e) {
                failed[i] = ImageOutcome.failed(in.uri(), -1, -1, "decode failed: " + describe(e), Failure.ENGINE);
            }
        }
        return new Decoded(inputs, prepared, failed);
    }

    /** Encoder stage: each pass over all decoded images at once; the masks of every vocabulary in plan order. */
    List<ImageOutcome> encode(Decoded batch) {
        int n = batch.inputs().size();
        ImageOutcome[] outcomes = batch.failed().clone();
        VocabularyMask[][] perImage = new VocabularyMask[n][plan.vocabularies().size()];
        for (int p = 0; p < passes.size(); p++) {
            Pass pass = passes.get(p);
            List<Integer> todo = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (outcomes[i] == null) {
                    todo.add(i);
                }
            }
            List<List<LabelMap>> maps = segmentIsolatingFailures(pass, batch.prepared()[p], todo, outcomes, batch);
            for (int k = 0; k < todo.size(); k++) {
                int i = todo.get(k);
                if (maps.get(k) == null) {
                    continue; // this image failed in this pass: its outcome is set
                }
                List<VocabularyMask> encoded = encodeMasks(maps.get(k), pass);
                for (int j = 0; j < pass.vocabularies().length; j++) {
                    perImage[i][pass.vocabularies()[j]] = encoded.get(j);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (outcomes[i] == null) {
                PreparedImage any = batch.prepared()[0][i];
                outcomes[i] = ImageOutcome.segmented(batch.inputs().get(i).uri(), any.originalWidth(),
                        any.originalHeight(), Arrays.asList(perImage[i]));
            }
        }
        return Arrays.asList(outcomes);
    }

    /**
     * Label maps of the images {@code todo} in one shared batch; should the batch throw, the images are redone one at a
     * time so that only the one that breaks fails (its outcome is set and its entry is null).
     */
    private List<List<LabelMap>> segmentIsolatingFailures(Pass pass, PreparedImage[] prepared, List<Integer> todo,
                                                          ImageOutcome[] outcomes, Decoded batch) {
        List<PreparedImage> images = todo.stream().map(i -> prepared[i]).toList();
        if (images.isEmpty()) {
            return List.of();
        }
        try {
            List<List<LabelMap>> maps = pass.inference().segment(images);
            if (maps.size() == images.size()) {
                return maps;
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            if (images.size() == 1) {
                return List.of(failOne(todo.get(0), prepared, outcomes, batch, e));
            }
        }
        List<List<LabelMap>> out = new ArrayList<>(images.size());
        for (int i : todo) {
            try {
                out.add(pass.inference().segment(List.of(prepared[i])).get(0));
            } catch (RuntimeException | OutOfMemoryError e) {
                out.add(failOne(i, prepared, outcomes, batch, e));
            }
        }
        return out;
    }

    private static List<LabelMap> failOne(int i, PreparedImage[] prepared, ImageOutcome[] outcomes, Decoded batch,
                                          Throwable e) {
        String uri = batch.inputs().get(i).uri();
        int w = prepared[i].originalWidth();
        int h = prepared[i].originalHeight();
        String error = "inference failed: " + describe(e);
        outcomes[i] = ImageOutcome.failed(uri, w, h, error, isEngineFailure(e) ? Failure.ENGINE : Failure.INPUT);
        return null;
    }

    /**
     * An engine error (libtorch, CUDA) or running out of memory says nothing about the image: it is tried again
     * later. Our own checks on an image (a size no window plan fits) fail the same way every time.
     */
    static boolean isEngineFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ai.djl.engine.EngineException || t instanceof VirtualMachineError) {
                return true;
            }
        }
        return false;
    }

    private List<VocabularyMask> encodeMasks(List<LabelMap> maps, Pass pass) {
        List<VocabularyMask> out = new ArrayList<>(maps.size());
        for (int j = 0; j < maps.size(); j++) {
            out.add(masks.encode(maps.get(j), plan.vocabularies().get(pass.vocabularies()[j]).queries()));
        }
        return out;
    }

    static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Frees the query banks; the shared encoder stays loaded. */
    @Override
    public void close() {
        for (Pass p : passes) {
            p.inference().close();
        }
    }
}
