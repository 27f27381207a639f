/** Class names, synonyms, prompt templates and their text embeddings (QueryEmbeddings), with the on-disk embedding cache. */
package dev.clearclip.vocabulary;
