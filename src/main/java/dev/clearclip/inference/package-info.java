/** From normalised images to label maps: window plans, batched window encoding against the query bank, merging overlapping windows, and label decoding per vocabulary. */
package dev.clearclip.inference;
