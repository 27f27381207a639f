package dev.clearclip.image;

/** An input that cannot be turned into pixels; {@link #reason()} says why, the message names the input. */
public final class ImageDecodeException extends Exception {
    public enum Reason {
        EMPTY,
        NOT_AN_IMAGE,
        UNSUPPORTED_FORMAT,
        TRUNCATED,
        CORRUPT,
        TOO_MANY_PIXELS,
        UNSUPPORTED_COLOR_MODEL
    }

    private final Reason reason;
    private final String input;

    public ImageDecodeException(Reason reason, String input, String problem, Throwable cause) {
        super(input + ": " + problem, cause);
        this.reason = reason;
        this.input = input;
    }

    public ImageDecodeException(Reason reason, String input, String problem) {
        this(reason, input, problem, null);
    }

    public Reason reason() {
        return reason;
    }

    /** The name the caller gave the input (a path or URI). */
    public String input() {
        return input;
    }
}
