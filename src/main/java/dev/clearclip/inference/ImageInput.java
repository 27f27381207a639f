package dev.clearclip.inference;

import java.io.IOException;

/**
 * One raw image as the pipeline takes it: where it came from and how to get its undecoded bytes. Bytes may be given
 * or read on demand, so that reading (object storage, a shard) happens in the pipeline's decode stage, overlapped
 * with the encoder, and a failed read becomes that image's error outcome.
 */
public record ImageInput(String uri, Reader reader) {

    /** Reads the bytes; an IOException names what went wrong (missing, too large, unreadable). */
    @FunctionalInterface
    public interface Reader {
        byte[] read() throws IOException;
    }

    public ImageInput(String uri, byte[] bytes) {
        this(uri, () -> bytes);
    }

    public byte[] bytes() throws IOException {
        return reader.read();
    }
}
