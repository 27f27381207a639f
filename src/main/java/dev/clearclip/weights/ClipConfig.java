package dev.clearclip.weights;

/**
 * Hyper-parameters of a CLIP checkpoint. Widths, depths and sizes are derived from weight shapes; heads and the
 * activation come from the model folder's config because the weights cannot tell them.
 */
public record ClipConfig(int embedDim, Vision vision, Text text, Activation activation, float layerNormEps) {

    public enum Activation {
        /** {@code x * sigmoid(1.702 x)}: OpenAI weights. */
        QUICK_GELU,
        /** exact erf GELU: most OpenCLIP/LAION weights. */
        GELU
    }

    public record Vision(int imageSize, int patchSize, int width, int layers, int heads, int mlpWidth) {
        public Vision {
            requirePositive("vision", imageSize, patchSize, width, layers, heads, mlpWidth);
            if (width % heads != 0) {
                throw new IllegalArgumentException("vision width " + width + " is not divisible by heads " + heads);
            }
        }

        public int grid() {
            return imageSize / patchSize;
        }

        public int headDim() {
            return width / heads;
        }
    }

    public record Text(int contextLength, int vocabSize, int width, int layers, int heads, int mlpWidth) {
        public Text {
            requirePositive("text", contextLength, vocabSize, width, layers, heads, mlpWidth);
            if (width % heads != 0) {
                throw new IllegalArgumentException("text width " + width + " is not divisible by heads " + heads);
            }
        }
    }

    public ClipConfig {
        if (embedDim <= 0) {
            throw new IllegalArgumentException("embedDim must be positive, got " + embedDim);
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layerNormEps must be positive, got " + layerNormEps);
        }
    }

    private static void requirePositive(String tower, int... values) {
        for (int v : values) {
            if (v <= 0) {
                throw new IllegalArgumentException(tower + " config has a non-positive size: " + v);
            }
        }
    }
}
