package io.behalf.local;

/** A prerequisite or setup problem: the launcher prints its message on one line, no stack trace. */
final class LocalStackException extends RuntimeException {
    LocalStackException(String message) {
        super(message);
    }
}
