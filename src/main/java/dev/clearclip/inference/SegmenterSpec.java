package dev.clearclip.inference;

import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;

import java.io.Serializable;
import java.util.List;

/**
 * Everything an executor needs to build an {@link ImageSegmenter}, prepared once on the driver: the resolved model
 * folder (with the weights' sha256, verified where it is loaded), the text embeddings of every vocabulary and the
 * settings. Small and serialisable, so it is broadcast instead of the model.
 */
public record SegmenterSpec(String modelId, String modelPath, String weightsSha256, List<QueryEmbeddings> vocabularies,
                            SegmentationSettings settings, OutputOptions output) implements Serializable {

    /** Driver side: resolves the model, validates settings against it and embeds every vocabulary. */
    public static SegmenterSpec prepare(String modelArg, List<String> vocabularyArgs, SegmentationSettings settings,
                                        OutputOptions output) {
        throw new UnsupportedOperationException("lead: wire model + text embedding");
    }

    /** Executor side: loads the image encoder on {@code device} ("cpu", "gpu:0"). The caller caches it per JVM. */
    public ImageSegmenter open(String device) {
        throw new UnsupportedOperationException("lead: wire the segmenter");
    }
}
