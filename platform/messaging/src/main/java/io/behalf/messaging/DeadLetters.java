package io.behalf.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Sends a record that cannot be stored to {@code <service>.dead-letters}: the original key, value and headers plus
 * the same dead-letter-* headers the connector's own dead-letter strategy writes (reason, topic, partition,
 * offset). Batch consumers do this themselves because the connector would dead-letter a failed batch whole, good
 * records with it. Returns only once the broker acknowledged, so the record is never acknowledged on its topic
 * before it is safe.
 */
@ApplicationScoped
public class DeadLetters {

    public static final String CHANNEL = "dead-letters";
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final Emitter<String> emitter;
    private final MeterRegistry metrics;

    public DeadLetters(@Channel(CHANNEL) Emitter<String> emitter, MeterRegistry metrics) {
        this.emitter = emitter;
        this.metrics = metrics;
    }

    /** @param consumer the reader that gives up on the record (usually its channel), for the metric */
    public void send(String consumer, ConsumerRecord<String, String> record, Throwable reason) {
        String why = reason.getMessage() != null ? reason.getMessage() : reason.getClass().getName();
        metrics.counter("behalf.dead.letters", "consumer", consumer, "topic", record.topic()).increment();
        LOG.warnf("dead letter from %s partition %d offset %d: %s", record.topic(), record.partition(),
                record.offset(), why);
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add("dead-letter-reason", bytes(why));
        if (reason.getCause() != null && reason.getCause().getMessage() != null) {
            headers.add("dead-letter-cause", bytes(reason.getCause().getMessage()));
        }
        headers.add("dead-letter-exception-class-name", bytes(reason.getClass().getName()));
        headers.add("dead-letter-topic", bytes(record.topic()));
        headers.add("dead-letter-partition", bytes(Integer.toString(record.partition())));
        headers.add("dead-letter-offset", bytes(Long.toString(record.offset())));
        CompletableFuture<Void> acked = new CompletableFuture<>();
        var metadata = OutgoingKafkaRecordMetadata.<String>builder().withKey(record.key()).withHeaders(headers).build();
        emitter.send(Message.of(record.value(), Metadata.of(metadata),
                () -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        try {
            acked.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot dead-letter " + record.topic() + "/" + record.partition() + "@"
                    + record.offset(), e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
