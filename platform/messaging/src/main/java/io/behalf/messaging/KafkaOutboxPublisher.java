package io.behalf.messaging;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Publishes outbox events as binary-mode CloudEvents (DESIGN.md) to the event's own topic and key; the returned
 * stage completes when the broker acknowledged (acks=all, idempotent producer).
 *
 * <p>The record goes straight to the Kafka producer of the {@value #CHANNEL} channel, which keeps owning its
 * configuration, health check and shutdown. Sending through the channel's emitter instead cost about a fifth of
 * audit-service's CPU in ingest (bench/README.md): a message, its metadata and a chain of reactive operators per
 * record, a hop to the connector's sending thread and another back for the acknowledgement. The relays already do
 * what that machinery offers (ordering, retries, waiting for the ack), so none of it is needed here.
 */
@ApplicationScoped
public class KafkaOutboxPublisher implements OutboxPublisher {

    public static final String CHANNEL = "behalf-outbox";
    private static final byte[] SPEC_VERSION = bytes("1.0");
    private static final byte[] JSON = bytes("application/json");

    private final KafkaClientService clients;
    private volatile Producer<String, String> producer;

    /** The emitter is not sent through: it is what makes the connector open the channel and its producer. */
    public KafkaOutboxPublisher(KafkaClientService clients, @Channel(CHANNEL) Emitter<String> channel) {
        this.clients = clients;
    }

    @Override
    public CompletionStage<Void> publish(OutboxEvent event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        producer().send(new ProducerRecord<>(event.topic(), null, null, event.key(), event.payload(), headers(event)),
                (metadata, failure) -> {
                    if (failure == null) {
                        acked.complete(null);
                    } else {
                        acked.completeExceptionally(failure);
                    }
                });
        return acked;
    }

    /** The producer's flush: its buffered batches become ready at once, linger or not, and it waits for their answers. */
    @Override
    public void sendNow() {
        producer().flush();
    }

    /** The headers SmallRye's binary mode writes, in its order, so consumers see no difference. */
    static Headers headers(OutboxEvent event) {
        Headers headers = new RecordHeaders();
        headers.add("ce_specversion", SPEC_VERSION);
        headers.add("ce_id", bytes(event.id().toString()));
        headers.add("ce_type", bytes(event.type()));
        headers.add("ce_source", bytes(event.source()));
        if (event.subject() != null) {
            headers.add("ce_subject", bytes(event.subject()));
        }
        headers.add("content-type", JSON);
        headers.add("ce_time",
                bytes(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(event.occurredAt().atOffset(ZoneOffset.UTC))));
        return headers;
    }

    private Producer<String, String> producer() {
        Producer<String, String> p = producer;
        if (p == null) {
            p = clients.<String, String>getProducer(CHANNEL).unwrap();
            producer = p;
        }
        return p;
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
