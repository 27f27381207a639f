package dev.clearclip.vocabulary;

import java.io.Serializable;
import java.util.List;

/**
 * A vocabulary's text side, computed once on the driver and broadcast: one L2-normalised row per query name.
 *
 * @param classNames   display name of every class (first synonym), by class id
 * @param classOfQuery class id of every query row (several rows per class when it has synonyms)
 * @param features     {@code [queries, embedDim]} row-major
 */
public record QueryEmbeddings(String vocabulary, String sha256, List<String> classNames, int[] classOfQuery,
                              int embedDim, float[] features) implements Serializable {

    public QueryEmbeddings {
        if (features.length != classOfQuery.length * embedDim) {
            throw new IllegalArgumentException("vocabulary " + vocabulary + ": " + classOfQuery.length
                    + " queries x " + embedDim + " dims != " + features.length + " values");
        }
    }

    public int queries() {
        return classOfQuery.length;
    }

    public int classes() {
        return classNames.size();
    }
}
