package dev.clearclip.weights;

import dev.clearclip.weights.ClipConfig;

import java.util.Map;

/**
 * A loaded CLIP checkpoint: its config and every parameter under the canonical OpenAI/OpenCLIP key names
 * ({@code visual.conv1.weight}, {@code visual.transformer.resblocks.N.attn.in_proj_weight}, {@code visual.proj [W, E]},
 * {@code text_projection [Wt, E]}, ...), whatever layout the folder had.
 *
 * @param modelId      what the user named (folder path or hub id), for provenance
 * @param weightsSha256 sha256 of the weights file, for provenance and executor-side verification
 */
public record ClipCheckpoint(String modelId, String weightsSha256, ClipConfig config, Map<String, Tensor> parameters) {

    public Tensor require(String name) {
        Tensor t = parameters.get(name);
        if (t == null) {
            throw new IllegalArgumentException("checkpoint " + modelId + " has no parameter " + name);
        }
        return t;
    }
}
