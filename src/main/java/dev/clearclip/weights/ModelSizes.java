package dev.clearclip.weights;

/** Every size a CLIP checkpoint's weight shapes determine (heads and activation they cannot). */
record ModelSizes(int embedDim, int imageSize, int patchSize, int visionWidth, int visionLayers, int visionMlp,
                  int contextLength, int vocabSize, int textWidth, int textLayers, int textMlp) {
}
