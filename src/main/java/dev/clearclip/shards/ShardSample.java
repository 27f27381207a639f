package dev.clearclip.shards;

import java.util.Map;

/**
 * One sample of a shard: the members that share a key, as WebDataset groups them. Either {@code image} is set
 * (the chosen image member's bytes) or {@code error} says why there is none; a shard that yields no header at all
 * is one sample with a null key.
 *
 * @param key         WebDataset {@code __key__}: the member path up to the first dot of its last component, or
 *                    null for an error about the whole shard
 * @param imageMember the member name the image came from, or null
 * @param metadata    kept side members by extension ({@code json}, {@code txt}) as UTF-8 text
 * @param offset      byte offset (in the uncompressed tar) of the sample's first header, or where the shard failed
 * @param readFailed  the error is the reading's (the file system failed mid-shard), not the bytes': it may pass
 */
public record ShardSample(String key, String imageMember, byte[] image, Map<String, String> metadata, String error,
                          long offset, boolean readFailed) {

    public ShardSample {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A sample, or an error in the shard's bytes. */
    public ShardSample(String key, String imageMember, byte[] image, Map<String, String> metadata, String error,
                       long offset) {
        this(key, imageMember, image, metadata, error, offset, false);
    }

    public boolean ok() {
        return error == null;
    }
}
