package io.behalf.impersonation.slack;

import java.time.Duration;
import java.util.Optional;

/**
 * A Slack call that did not succeed. {@code retryable}: worth trying again (rate limited, 5xx, network);
 * otherwise retrying cannot help (unknown email, bad token, missing channel). Never carries a token.
 */
public class SlackFailure extends RuntimeException {

    private final boolean retryable;
    private final Duration retryAfter;

    public SlackFailure(String message, boolean retryable, Duration retryAfter) {
        super(message);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public static SlackFailure permanent(String message) {
        return new SlackFailure(message, false, null);
    }

    public boolean retryable() {
        return retryable;
    }

    /** What Slack asked for in Retry-After, if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
