package dev.clearclip.inference;

import java.io.Serializable;
import java.util.List;

/**
 * The segmentation of one image against one vocabulary.
 *
 * @param maskPng       label map as PNG (8-bit palette up to 256 labels, 16-bit grey beyond), original image size
 * @param confidencePng max-probability map as 8-bit PNG, or null when not requested
 * @param classes       statistics of every class present (pixels > 0), by class id
 * @param rle           COCO RLE of every present class, empty when not requested
 */
public record VocabularyMask(String vocabulary, byte[] maskPng, byte[] confidencePng, List<ClassStats> classes,
                             List<ClassRle> rle) implements Serializable {
}
