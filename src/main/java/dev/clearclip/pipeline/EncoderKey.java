package dev.clearclip.pipeline;

import dev.clearclip.model.Correction;
import dev.clearclip.model.KernelChoice;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.Precision;

import java.util.Set;

/**
 * What defines a loaded image encoder, and nothing else: two runs, vocabulary sets or Transformers that agree on
 * these share one encoder in a JVM, whatever their thresholds, vocabularies or output options.
 *
 * @param corrections the corrections that change the encoder (LOF, positional table), none = the official encoder
 */
public record EncoderKey(String weightsSha256, LastBlockVariant lastBlock, double gaussianStd,
                         Set<Correction> corrections, Precision precision, KernelChoice kernels, String device) {
}
