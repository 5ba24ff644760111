package io.behalf.events;

/** A record that cannot be read: not JSON, a missing required field, a value of the wrong shape, an unknown type. */
public class InvalidEventException extends RuntimeException {
    public InvalidEventException(String message) {
        super(message);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
