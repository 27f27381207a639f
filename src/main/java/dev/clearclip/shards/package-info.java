/**
 * WebDataset tar shards: which names are shards, numeric brace ranges in shard patterns, and the stream of samples
 * (members grouped by key) read out of one shard with Commons Compress. Knows nothing of Spark or the model.
 */
package dev.clearclip.shards;
