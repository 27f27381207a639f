package dev.clearclip.inference;

/** One raw image file as the job reads it: where it came from and its undecoded bytes. */
public record ImageInput(String uri, byte[] bytes) {
}
