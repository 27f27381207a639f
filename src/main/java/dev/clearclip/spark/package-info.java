/** The Spark-side pieces shared by the job and the ML Transformer (ClearClipSegmenter, the public API): the per-task partition loop, output schemas and rows, task devices and Hadoop configuration shipping. */
package dev.clearclip.spark;
