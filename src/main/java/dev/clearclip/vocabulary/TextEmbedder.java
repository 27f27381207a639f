package dev.clearclip.vocabulary;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.model.ClipModel;
import dev.clearclip.tokenizer.ClipTokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Class names to query embeddings, as ClearCLIP builds them: every name in every template, each prompt embedding
 * L2-normalised, averaged over the templates, normalised again. Runs on the driver, once per vocabulary.
 */
public final class TextEmbedder {
    private static final int PROMPTS_PER_BATCH = 320;
    private final ClipModel model;
    private final ClipTokenizer tokenizer;
    private final List<String> templates;

    public TextEmbedder(ClipModel model, ClipTokenizer tokenizer, List<String> templates) {
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("no prompt templates");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.templates = List.copyOf(templates);
    }

    public static TextEmbedder withImageNetTemplates(ClipModel model) {
        return new TextEmbedder(model, ClipTokenizer.bundled(), PromptTemplates.imageNet80());
    }

    public QueryEmbeddings embed(Vocabulary vocabulary) {
        List<String> queries = vocabulary.queries();
        int dim = model.config().embedDim();
        int t = templates.size();
        double[] sums = new double[queries.size() * dim];
        List<String> prompts = new ArrayList<>(queries.size() * t);
        for (String q : queries) {
            for (String template : templates) {
                prompts.add(PromptTemplates.apply(template, q));
            }
        }
        for (int from = 0; from < prompts.size(); from += PROMPTS_PER_BATCH) {
            int to = Math.min(prompts.size(), from + PROMPTS_PER_BATCH);
            float[] normalised = normalisedPrompts(prompts.subList(from, to));
            for (int p = from; p < to; p++) {
                int query = p / t;
                for (int e = 0; e < dim; e++) {
                    sums[query * dim + e] += normalised[(p - from) * dim + e];
                }
            }
        }
        float[] features = new float[sums.length];
        for (int q = 0; q < queries.size(); q++) {
            double norm = 0;
            for (int e = 0; e < dim; e++) {
                norm += sums[q * dim + e] * sums[q * dim + e];
            }
            norm = Math.sqrt(norm);
            for (int e = 0; e < dim; e++) {
                features[q * dim + e] = (float) (sums[q * dim + e] / norm);
            }
        }
        return new QueryEmbeddings(vocabulary.name(), vocabulary.sha256(), vocabulary.classNames(),
                vocabulary.classOfQuery(), dim, features);
    }

    /** Per-prompt L2-normalised embeddings (N, E) row-major. */
    float[] normalisedPrompts(List<String> prompts) {
        int[][] tokens = tokenizer.tokenize(prompts, model.contextLength());
        try (NDManager scope = model.newScope()) {
            NDArray raw = model.textFeatures(scope, tokens);
            return raw.div(raw.norm(new int[] {-1}, true)).toFloatArray();
        }
    }
}
