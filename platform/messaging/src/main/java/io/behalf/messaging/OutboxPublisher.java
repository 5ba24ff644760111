package io.behalf.messaging;

import java.util.concurrent.CompletionStage;

/** Hands one outbox event to the broker; the stage completes when the broker acknowledged it. */
@FunctionalInterface
public interface OutboxPublisher {
    CompletionStage<Void> publish(OutboxEvent event);

    /**
     * Sends every event handed over so far at once and returns when the broker answered for each. A relay hands a
     * round over event by event and then calls this, so the round leaves in as few requests as the producer can make
     * of it and never waits out the producer's linger.
     */
    default void sendNow() {
    }
}
