package io.behalf.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Hands one outbox event to the broker; the stage completes when the broker acknowledged it. */
@FunctionalInterface
public interface OutboxPublisher {
    CompletionStage<Void> publish(OutboxEvent event);

    /**
     * Sends every event handed over so far at once and returns when the broker answered for each, so that a round
     * leaves in as few requests as the producer can make of it and never waits out the producer's linger.
     */
    default void sendNow() {
    }

    /**
     * A relay's round: each item made into its event and handed over in order, then all of them sent at once. The
     * acknowledgements come back in the items' order; an item that could not be made into an event or handed over
     * has a failed one, so the relay holds back what follows it as for a refusal by the broker.
     */
    default <T> List<CompletableFuture<Void>> publishRound(List<T> items, Function<T, OutboxEvent> asEvent) {
        List<CompletableFuture<Void>> acks = new ArrayList<>(items.size());
        for (T item : items) {
            try {
                acks.add(publish(asEvent.apply(item)).toCompletableFuture());
            } catch (RuntimeException e) {
                acks.add(CompletableFuture.failedFuture(e));
            }
        }
        sendNow();
        return acks;
    }
}
