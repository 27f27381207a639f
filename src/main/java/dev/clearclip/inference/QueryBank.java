package dev.clearclip.inference;

import dev.clearclip.vocabulary.QueryEmbeddings;

import java.util.List;

/** Every vocabulary's query rows stacked into one matrix, so one matMul scores a window against all of them. */
record QueryBank(List<QueryEmbeddings> vocabularies, int[] offsets, float[] features, int embedDim) {

    static QueryBank of(List<QueryEmbeddings> vocabularies) {
        if (vocabularies.isEmpty()) {
            throw new IllegalArgumentException("no vocabulary to segment with");
        }
        int dim = vocabularies.get(0).embedDim();
        int total = 0;
        int[] offsets = new int[vocabularies.size() + 1];
        for (int i = 0; i < vocabularies.size(); i++) {
            QueryEmbeddings v = vocabularies.get(i);
            if (v.embedDim() != dim) {
                throw new IllegalArgumentException("vocabulary " + v.vocabulary() + " has " + v.embedDim()
                        + "-dim embeddings, expected " + dim + " like " + vocabularies.get(0).vocabulary());
            }
            offsets[i] = total;
            total += v.queries();
        }
        offsets[vocabularies.size()] = total;
        float[] all = new float[total * dim];
        for (int i = 0; i < vocabularies.size(); i++) {
            float[] f = vocabularies.get(i).features();
            System.arraycopy(f, 0, all, offsets[i] * dim, f.length);
        }
        return new QueryBank(List.copyOf(vocabularies), offsets, all, dim);
    }

    int queries() {
        return offsets[offsets.length - 1];
    }
}
