package dev.clearclip.pipeline;

import ai.djl.Device;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationRequest;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.config.VocabularySource;
import dev.clearclip.image.KeepRatioResize;
import dev.clearclip.inference.Window;
import dev.clearclip.inference.SlidingWindowInference;
import dev.clearclip.model.ClipModel;
import dev.clearclip.model.EncoderFlops;
import dev.clearclip.model.KernelChoice;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;
import dev.clearclip.tokenizer.ClipTokenizer;
import dev.clearclip.vocabulary.EmbeddingCache;
import dev.clearclip.vocabulary.PromptTemplates;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.vocabulary.TextEmbedder;
import dev.clearclip.vocabulary.Vocabulary;
import dev.clearclip.weights.ClipCheckpoint;
import dev.clearclip.weights.ClipConfig;
import dev.clearclip.weights.ModelFolder;
import dev.clearclip.weights.ModelLoader;
import dev.clearclip.weights.HubAccess;
import dev.clearclip.weights.ModelResolver;
import dev.clearclip.weights.Towers;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The driver side of the pipeline, prepared once per run and broadcast: the resolved model folder and its weights'
 * sha256, every vocabulary embedded with its own settings, the output options and the requested device. Small and
 * serialisable; executors open a {@link SegmentationPipeline} from it.
 *
 * @param modelPath         folder the executors load the image encoder from (null for an encoder built in memory)
 * @param typicalImageGflop encoder GFLOP of a typical photo ({@link #typicalImageGflop(ClipConfig, List)}), NaN when
 *                          not known
 */
public record PipelinePlan(String modelId, String modelPath, String weightsSha256, List<VocabularyPlan> vocabularies,
                           OutputOptions output, String device, KernelChoice kernels, double typicalImageGflop)
        implements Serializable {

    private static final ObjectMapper JSON = new ObjectMapper();

    public PipelinePlan {
        vocabularies = List.copyOf(vocabularies);
        if (vocabularies.isEmpty()) {
            throw new IllegalArgumentException("no vocabulary given");
        }
        SegmentationSettings first = vocabularies.get(0).settings();
        for (VocabularyPlan v : vocabularies) {
            if (!v.settings().sameEncoder(first)) {
                throw new IllegalArgumentException("vocabulary " + v.name() + " needs another image encoder than "
                        + vocabularies.get(0).name() + " (last block, Gaussian std, PAMR, corrections, precision, "
                        + "window batch and max pixels must agree in one run)");
            }
        }
    }

    /** Driver side with hub access per the environment (HF_ENDPOINT, HF_HOME; offline also with HF_HUB_OFFLINE=1). */
    public static PipelinePlan prepare(String modelArg, SegmentationRequest request, HubAccess hub) {
        return prepare(ModelResolver.fromEnvironment(hub), EmbeddingCache.fromEnvironment(), modelArg, request);
    }

    /**
     * Driver side: reads every vocabulary and its settings, resolves the model, validates the settings against its
     * config, then embeds the vocabularies that the cache lacks with the text tower. Everything that can be wrong
     * fails here, before any task.
     */
    public static PipelinePlan prepare(ModelResolver resolver, EmbeddingCache cache, String modelArg,
                                       SegmentationRequest request) {
        List<Requested> requested = requested(request);
        ModelFolder folder = resolver.resolve(modelArg);
        ClipConfig config = ModelLoader.readConfig(folder);
        for (Requested r : requested) {
            r.settings().validateFor(config.vision().patchSize());
        }
        String sha = ModelLoader.sha256(folder.weightsFile());
        List<QueryEmbeddings> embeddings = embed(folder, sha, config,
                requested.stream().map(Requested::vocabulary).toList(), cache);
        List<VocabularyPlan> plans = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            plans.add(new VocabularyPlan(embeddings.get(i), requested.get(i).settings(),
                    requested.get(i).source().origin()));
        }
        return new PipelinePlan(modelArg, folder.dir().toAbsolutePath().toString(), sha, plans, request.output(),
                request.device(), KernelChoice.AUTO, typicalImageGflop(config, plans));
    }

    /**
     * A plan whose queries come from elsewhere (bench's random models have no meaningful text tower); the encoder is
     * the caller's, so there is no folder to load it from.
     */
    public static PipelinePlan withQueries(String modelId, String weightsSha256, SegmentationRequest request,
                                           java.util.function.Function<Vocabulary, QueryEmbeddings> queries) {
        List<VocabularyPlan> plans = new ArrayList<>();
        for (Requested r : requested(request)) {
            plans.add(new VocabularyPlan(queries.apply(r.vocabulary()), r.settings(), r.source().origin()));
        }
        return new PipelinePlan(modelId, null, weightsSha256, plans, request.output(), request.device(),
                KernelChoice.AUTO, Double.NaN);
    }

    /** A vocabulary as requested: its classes, where they came from, and its settings. */
    private record Requested(Vocabulary vocabulary, VocabularySource source, SegmentationSettings settings) {
    }

    private static List<Requested> requested(SegmentationRequest request) {
        List<Requested> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String arg : request.vocabularies()) {
            VocabularySource source = VocabularySource.resolve(arg, request.overrides().methodOrDefault());
            Vocabulary v = source.preset() != null ? Vocabulary.parseOfficial(source.name(), source.text())
                    : Vocabulary.parse(source.name(), source.text());
            if (!names.add(v.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("vocabulary name '" + v.name() + "' is given twice (" + arg + ")");
            }
            out.add(new Requested(v, source, source.settings(request.classFileBase(), request.overrides())));
        }
        return out;
    }

    private static List<QueryEmbeddings> embed(ModelFolder folder, String sha, ClipConfig config,
                                               List<Vocabulary> vocabularies, EmbeddingCache cache) {
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
        return embeddings;
    }

    public PipelinePlan withKernels(KernelChoice k) {
        return new PipelinePlan(modelId, modelPath, weightsSha256, vocabularies, output, device, k, typicalImageGflop);
    }

    /**
     * Encoder GFLOP for one 640x480 photo, cut into windows as each encoder pass of these vocabularies would: what a
     * job sizes its work by before any run has measured its pace.
     */
    static double typicalImageGflop(ClipConfig config, List<VocabularyPlan> vocabularies) {
        int patch = config.vision().patchSize();
        double flops = 0;
        for (List<Integer> pass : passes(vocabularies)) {
            SegmentationSettings s = vocabularies.get(pass.get(0)).settings();
            KeepRatioResize.Size size = new KeepRatioResize(s.resizeLong(), s.resizeShort()).targetSize(640, 480);
            for (Window w : SlidingWindowInference.windows(s, size.height(), size.width(), patch)) {
                flops += EncoderFlops.perWindow(config, s.attention(), w.paddedHeight() / patch,
                        w.paddedWidth() / patch);
            }
        }
        return flops / 1e9;
    }

    /** The settings every vocabulary shares for the encoder (last block, precision, window batch, max pixels). */
    public SegmentationSettings encoderSettings() {
        return vocabularies.get(0).settings();
    }

    public Precision precision() {
        return encoderSettings().precision();
    }

    public EncoderKey encoderKey(String resolvedDevice) {
        return new EncoderKey(weightsSha256, encoderSettings().attention(), encoderSettings().gaussianStd(),
                encoderSettings().encoderCorrections(), precision(), kernels, resolvedDevice);
    }

    public List<QueryEmbeddings> queries() {
        return vocabularies.stream().map(VocabularyPlan::queries).toList();
    }

    /** Vocabulary indexes grouped by window geometry: each group is one encoder pass per image. */
    public List<List<Integer>> passes() {
        return passes(vocabularies);
    }

    private static List<List<Integer>> passes(List<VocabularyPlan> vocabularies) {
        List<List<Integer>> groups = new ArrayList<>();
        for (int i = 0; i < vocabularies.size(); i++) {
            SegmentationSettings s = vocabularies.get(i).settings();
            List<Integer> group = groups.stream()
                    .filter(g -> vocabularies.get(g.get(0)).settings().sameWindows(s)).findFirst().orElse(null);
            if (group == null) {
                group = new ArrayList<>();
                groups.add(group);
            }
            group.add(i);
        }
        return groups.stream().map(List::copyOf).toList();
    }

    /**
     * What made vocabulary {@code v}'s labels, as stored with every row: model, vocabulary, its settings, outputs,
     * and the device and precision the encoder actually ran on.
     */
    /**
     * Vocabulary v's share of the rerun key: a hash of every segmentation setting that can change its labels
     * (windows, thresholds, temperature, last block, precision and whatever a method adds), leaving out those that
     * cannot (window batch, pixel limit) along with device, kernels and output options. Hashed from the settings'
     * JSON so that a setting added later is covered without touching this.
     */
    public String labelSettingsHash(int v) {
        Map<String, Object> labelSettings = new java.util.TreeMap<>(
                JSON.convertValue(vocabularies.get(v).settings(), new com.fasterxml.jackson.core.type.TypeReference<
                        Map<String, Object>>() { }));
        labelSettings.keySet().removeAll(NOT_LABEL_SETTINGS);
        if (vocabularies.get(v).settings().corrections().isEmpty()) {
            labelSettings.remove("corrections"); // the official output keeps the keys it had before the option existed
        }
        try {
            return dev.clearclip.io.Hashes.sha256Hex(JSON.writeValueAsString(labelSettings)).substring(0, 16);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write settings as JSON", e);
        }
    }

    private static final java.util.Set<String> NOT_LABEL_SETTINGS = java.util.Set.of("windowBatch", "maxPixels");

    public String settingsJson(int v, String actualDevice, Precision actualPrecision) {
        VocabularyPlan vocabulary = vocabularies.get(v);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelId);
        Map<String, Object> voc = new LinkedHashMap<>();
        voc.put("name", vocabulary.name());
        voc.put("origin", vocabulary.origin().startsWith("preset:") ? vocabulary.origin() : "file");
        voc.put("sha256", vocabulary.queries().sha256());
        voc.put("classes", vocabulary.queries().classes());
        m.put("vocabulary", voc);
        m.put("segmentation", vocabulary.settings());
        m.put("output", output);
        m.put("device", actualDevice);
        m.put("precision", actualPrecision.label());
        m.put("kernels", kernels.label());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write settings as JSON", e);
        }
    }
}
