package io.behalf.consent.consent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How long a question waits for its answer, how long a grant lasts, and how the deadlines are kept. */
@ConfigMapping(prefix = "behalf.consent")
public interface ConsentSettings {

    Duration pendingTtl();

    Duration grantTtl();

    /** How often each instance looks for due deadlines and for replies to read again. */
    Duration sweepInterval();

    ReplyRetry replyRetry();

    /** A reply whose author could not be checked is read again after doubling waits, capped, for as long as it takes. */
    interface ReplyRetry {
        @WithDefault("5s")
        Duration backoff();

        @WithDefault("5m")
        Duration maxBackoff();
    }
}
