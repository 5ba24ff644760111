package io.behalf.messaging;

import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Publishes outbox events through the {@value #CHANNEL} channel: SmallRye writes the binary-mode CloudEvents
 * headers from the metadata, the record goes to the event's own topic and key, and the returned stage
 * completes when the broker acknowledged (acks=all, idempotent producer).
 */
@ApplicationScoped
public class KafkaOutboxPublisher implements OutboxPublisher {

    public static final String CHANNEL = "behalf-outbox";

    private final Emitter<String> emitter;

    public KafkaOutboxPublisher(@Channel(CHANNEL) Emitter<String> emitter) {
        this.emitter = emitter;
    }

    @Override
    public CompletionStage<Void> publish(OutboxEvent event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        var cloudEvent = OutgoingCloudEventMetadata.builder()
                .withId(event.id().toString())
                .withType(event.type())
                .withSource(URI.create(event.source()))
                .withSubject(event.subject())
                .withTimestamp(event.occurredAt().atZone(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .build();
        var kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(event.topic())
                .withKey(event.key())
                .build();
        Message<String> message = Message.of(event.payload(), Metadata.of(cloudEvent, kafka),
                () -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        return acked;
    }
}
