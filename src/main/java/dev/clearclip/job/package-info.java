/** The segment batch job on the driver: inputs, the incremental filter, the Spark write of masks, class_stats and runs, progress, provenance and session hygiene. */
package dev.clearclip.job;
