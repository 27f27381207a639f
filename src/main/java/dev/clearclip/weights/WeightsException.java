package dev.clearclip.weights;

/** A model folder, weights file or hub download that cannot be used; the message names the file/key and the problem. */
public class WeightsException extends RuntimeException {

    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
