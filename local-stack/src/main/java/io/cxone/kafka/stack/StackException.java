package io.cxone.kafka.stack;

/** A stack failure with a message meant for the person at the terminal: what failed, why, where to look. */
public class StackException extends RuntimeException {
    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
