/** Model folders and checkpoints: hub resolution and cache, safetensors reading, layout key maps, and the hyper-parameters (ClipConfig) derived from the weights. */
package dev.clearclip.weights;
