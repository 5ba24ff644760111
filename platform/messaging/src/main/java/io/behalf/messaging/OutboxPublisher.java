package io.behalf.messaging;

import java.util.concurrent.CompletionStage;

/** Hands one outbox event to the broker; the stage completes when the broker acknowledged it. */
@FunctionalInterface
public interface OutboxPublisher {
    CompletionStage<Void> publish(OutboxEvent event);
}
