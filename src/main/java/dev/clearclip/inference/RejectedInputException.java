package dev.clearclip.inference;

import java.io.IOException;

/**
 * A reader's verdict on the input itself, not on the reading: too large, a folder, an id that cannot name a file,
 * a shard member that is cut. Such an input fails the same way every time, so it is a permanent error.
 */
public class RejectedInputException extends IOException {

    public RejectedInputException(String message) {
        super(message);
    }
}
