package dev.clearclip.inference;

import ai.djl.Device;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.config.VocabularySource;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.weights.ClipConfig;
import dev.clearclip.model.ClipModel;
import dev.clearclip.tokenizer.ClipTokenizer;
import dev.clearclip.vocabulary.EmbeddingCache;
import dev.clearclip.vocabulary.PromptTemplates;
import dev.clearclip.vocabulary.TextEmbedder;
import dev.clearclip.vocabulary.Vocabulary;
import dev.clearclip.weights.ClipCheckpoint;
import dev.clearclip.weights.ModelFolder;
import dev.clearclip.weights.ModelLoader;
import dev.clearclip.weights.ModelResolver;
import dev.clearclip.weights.Towers;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything an executor needs to build an {@link ImageSegmenter}, prepared once on the driver: the resolved model
 * folder (with the weights' sha256, verified where it is loaded), the text embeddings of every vocabulary and the
 * settings. Small and serialisable, so it is broadcast instead of the model.
 */
public record SegmenterSpec(String modelId, String modelPath, String weightsSha256, List<QueryEmbeddings> vocabularies,
                            SegmentationSettings settings, OutputOptions output) implements Serializable {

    /** Driver side, hub access per the environment (HF_HUB_OFFLINE, HF_ENDPOINT, HF_HOME). */
    public static SegmenterSpec prepare(String modelArg, List<String> vocabularyArgs, SegmentationSettings settings,
                                        OutputOptions output) {
        return prepare(ModelResolver.fromEnvironment(false), EmbeddingCache.fromEnvironment(), modelArg,
                vocabularyArgs, settings, output);
    }

    /**
     * Driver side: checks every vocabulary, resolves the model, validates the settings against its config, then
     * embeds every vocabulary with the text tower. Everything that can be wrong fails here, before any task.
     */
    public static SegmenterSpec prepare(ModelResolver resolver, EmbeddingCache cache, String modelArg,
                                        List<String> vocabularyArgs, SegmentationSettings settings,
                                        OutputOptions output) {
        List<Vocabulary> vocabularies = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String arg : vocabularyArgs) {
            VocabularySource source = VocabularySource.resolve(arg);
            Vocabulary v = Vocabulary.parse(source.name(), source.text());
            if (!names.add(v.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("vocabulary name '" + v.name() + "' is given twice (" + arg + ")");
            }
            vocabularies.add(v);
        }
        if (vocabularies.isEmpty()) {
            throw new IllegalArgumentException("no vocabulary given");
        }
        ModelFolder folder = resolver.resolve(modelArg);
        ClipConfig config = ModelLoader.readConfig(folder);
        settings.validateFor(config.vision().patchSize());
        String sha = ModelLoader.sha256(folder.weightsFile());
        List<String> templates = PromptTemplates.imageNet80();
        List<QueryEmbeddings> embeddings = new ArrayList<>();
        for (Vocabulary v : vocabularies) {
            embeddings.add(cache == null ? null : cache.find(sha, v, templates, config.embedDim()).orElse(null));
        }
        if (embeddings.contains(null)) {
            // the text tower is loaded only when some vocabulary is not cached yet
            ClipCheckpoint text = ModelLoader.load(folder, Towers.TEXT);
            try (ClipModel model = ClipModel.load(text, LastBlockVariant.CLEARCLIP, Towers.TEXT, Device.cpu())) {
                TextEmbedder embedder = new TextEmbedder(model, ClipTokenizer.bundled(), templates);
                for (int i = 0; i < vocabularies.size(); i++) {
                    if (embeddings.get(i) == null) {
                        embeddings.set(i, embedder.embed(vocabularies.get(i)));
                        if (cache != null) {
                            cache.store(sha, vocabularies.get(i), templates, embeddings.get(i));
                        }
                    }
                }
            }
        }
        return new SegmenterSpec(modelArg, folder.dir().toAbsolutePath().toString(), sha,
                List.copyOf(embeddings), settings, output);
    }

    /**
     * Executor side: loads the image encoder on {@code device} ("cpu", "gpu", "gpu:N") after checking that the
     * weights there are the ones the driver embedded the vocabularies with. The caller caches it per JVM.
     */
    public ImageSegmenter open(String device) {
        Path dir = Path.of(modelPath);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("model folder " + modelPath + " (for " + modelId + ") is not on this "
                    + "machine: put it on a path every executor sees, or distribute it with the job");
        }
        ClipCheckpoint vision = ModelLoader.load(ModelFolder.detect(dir, modelId), Towers.VISION);
        if (!vision.weightsSha256().equals(weightsSha256)) {
            throw new IllegalStateException("weights in " + modelPath + " have sha256 " + vision.weightsSha256()
                    + " but the driver embedded the vocabularies with " + weightsSha256);
        }
        ClipModel model = ClipModel.load(vision, settings.attention(), Towers.VISION, parseDevice(device),
                settings.precision());
        try {
            return new ClearClipImageSegmenter(model, new Segmenter(model, settings, vocabularies, output), output);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    static Device parseDevice(String device) {
        String d = device.strip().toLowerCase(Locale.ROOT);
        if (d.equals("cpu")) {
            return Device.cpu();
        }
        if (d.equals("gpu") || d.equals("cuda")) {
            return Device.gpu();
        }
        if (d.startsWith("gpu:") || d.startsWith("cuda:")) {
            return Device.gpu(Integer.parseInt(d.substring(d.indexOf(':') + 1)));
        }
        throw new IllegalArgumentException("unknown device '" + device + "': expected cpu, gpu or gpu:N");
    }
}
