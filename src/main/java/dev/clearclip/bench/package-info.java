/** Benchmark parts: the timed worker loop, synthetic images, random full-size models, FLOP counts and process memory. */
package dev.clearclip.bench;
