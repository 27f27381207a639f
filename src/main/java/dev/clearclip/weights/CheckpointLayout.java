package dev.clearclip.weights;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clearclip.weights.ClipConfig;

import java.nio.file.Path;
import java.util.List;

/** How one folder layout names CLIP weights and where it keeps the hyper-parameters the shapes cannot give. */
interface CheckpointLayout {

    String configFileName();

    String weightsFileName();

    /** The file key(s) a canonical parameter comes from. */
    Source source(String canonicalName);

    /** File keys that are legitimately present but not parameters (e.g. HF's position_ids buffers). */
    boolean ignored(String fileKey);

    /** Builds the config from the sizes the shapes gave plus the layout's config file. */
    ClipConfig config(JsonNode configJson, Path configFile, ModelSizes sizes);

    /**
     * A canonical parameter as stored: one key, several keys stacked along dim 0 (HF's q/k/v), or one 2-D key stored
     * transposed (HF's projections).
     */
    record Source(List<String> keys, boolean transposed) {
        static Source of(String key) {
            return new Source(List.of(key), false);
        }

        static Source stacked(String... keys) {
            return new Source(List.of(keys), false);
        }

        static Source transposedOf(String key) {
            return new Source(List.of(key), true);
        }

        /** The shape a file key must have for the canonical parameter to have {@code canonical}. */
        long[] fileShape(long[] canonical) {
            if (transposed) {
                return new long[]{canonical[1], canonical[0]};
            }
            long[] s = canonical.clone();
            if (keys.size() > 1) {
                s[0] /= keys.size();
            }
            return s;
        }
    }
}
