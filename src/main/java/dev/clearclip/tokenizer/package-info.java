/** CLIP's byte-level BPE tokenizer in plain Java, as the reference implementation tokenizes. */
package dev.clearclip.tokenizer;
