package dev.clearclip.pipeline;

import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.vocabulary.QueryEmbeddings;

import java.io.Serializable;

/**
 * One vocabulary of a run as the driver prepared it: its text embeddings and its own settings (its preset's, or the
 * class-file defaults, with the run's overrides applied); {@code origin} says where the classes came from.
 */
public record VocabularyPlan(QueryEmbeddings queries, SegmentationSettings settings, String origin)
        implements Serializable {

    public String name() {
        return queries.vocabulary();
    }
}
