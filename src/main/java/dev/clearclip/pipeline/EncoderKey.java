package dev.clearclip.pipeline;

import dev.clearclip.model.KernelChoice;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;

/**
 * What defines a loaded image encoder, and nothing else: two runs, vocabulary sets or Transformers that agree on
 * these share one encoder in a JVM, whatever their thresholds, vocabularies or output options.
 */
public record EncoderKey(String weightsSha256, LastBlockVariant lastBlock, double gaussianStd, Precision precision,
                         KernelChoice kernels, String device) {
}
