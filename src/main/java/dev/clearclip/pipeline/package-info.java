/**
 * The segmentation pipeline behind every entry point (the {@code segment} job, the ML Transformer, {@code predict},
 * {@code bench}). Driver side: {@link dev.clearclip.pipeline.PipelinePlan#prepare} resolves the model and embeds
 * every vocabulary with its own settings. Per JVM: {@link dev.clearclip.pipeline.JvmEncoders} holds one image encoder
 * per {@link dev.clearclip.pipeline.EncoderKey}. Per task or caller: {@link dev.clearclip.pipeline.SegmentationPipeline}
 * turns raw image bytes into encoded masks, batch by batch, with decoding overlapped with the encoder.
 */
package dev.clearclip.pipeline;
