/**
 * The CLIP towers on DJL: one class per block, the last-block variants (ClearCLIP and the ablations), SC-CLIP's tail
 * (outlier repair, similarity attention, multi-level fusion), mixed precision and the fused libtorch kernels.
 */
package dev.clearclip.model;
