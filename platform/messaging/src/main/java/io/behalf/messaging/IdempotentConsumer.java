package io.behalf.messaging;

import io.behalf.events.InvalidEventException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Applies a record's effect exactly once in effect: the {@code ce_id} is recorded in {@code processed_event} in
 * the same transaction as the effect, so a redelivered record finds its id and changes nothing. The method
 * returns only after that transaction committed; the connector then acknowledges the record and only an
 * acknowledged offset is committed.
 * <p>
 * A bad record ({@link InvalidEventException}) is rethrown at once: the channel's dead-letter strategy sends it
 * to {@code <service>.dead-letters} with the reason. Any other failure (database down, a SaaS call failing) is
 * retried with backoff, and after the last attempt it too becomes a dead letter rather than stop the partition;
 * only an unreachable database is waited for without limit, since no record could be stored meanwhile.
 */
@ApplicationScoped
public class IdempotentConsumer {

    private static final Logger LOG = Logger.getLogger(IdempotentConsumer.class);

    private final EntityManager em;
    private final MeterRegistry metrics;
    private final int maxAttempts;
    private final Duration backoff;

    public IdempotentConsumer(EntityManager em, MeterRegistry metrics,
            @ConfigProperty(name = "behalf.consumer.max-attempts", defaultValue = "5") int maxAttempts,
            @ConfigProperty(name = "behalf.consumer.backoff", defaultValue = "PT0.5S") Duration backoff) {
        this.em = em;
        this.metrics = metrics;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
    }

    /** @param consumer names the reader (usually the channel), so two readers of one topic dedupe separately */
    public void consume(String consumer, ConsumerRecord<String, String> record, Consumer<InboundEvent> effect) {
        InboundEvent event;
        try {
            event = InboundEvent.from(record);
        } catch (InvalidEventException e) {
            throw deadLetter(consumer, record, e);
        }
        for (int attempt = 1;; attempt++) {
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    if (firstDelivery(consumer, event.id())) {
                        effect.accept(event);
                    }
                });
                return;
            } catch (InvalidEventException e) {
                throw deadLetter(consumer, record, e);
            } catch (RuntimeException e) {
                if (DatabaseUnavailable.isCauseOf(e)) {
                    // nothing of this partition can be stored until the database is back: wait for it, do not
                    // dead-letter a good record; the attempts are not spent on it
                    LOG.warnf("database unavailable while processing %s, waiting: %s", event.id(), e.getMessage());
                    attempt--;
                    pause(backoff.multipliedBy(4));
                    continue;
                }
                if (attempt >= maxAttempts) {
                    LOG.errorf("giving up on %s after %d attempts: %s", event.id(), attempt, e);
                    throw deadLetter(consumer, record, e);
                }
                LOG.warnf("attempt %d for %s failed, retrying: %s", attempt, event.id(), e.toString());
                pause(backoff.multipliedBy(attempt));
            }
        }
    }

    private boolean firstDelivery(String consumer, String eventId) {
        return em.createNativeQuery("""
                insert into processed_event (consumer, event_id) values (?1, ?2)
                on conflict do nothing""")
                .setParameter(1, consumer)
                .setParameter(2, eventId)
                .executeUpdate() == 1;
    }

    private RuntimeException deadLetter(String consumer, ConsumerRecord<String, String> record, RuntimeException e) {
        metrics.counter("behalf.dead.letters", "consumer", consumer, "topic", record.topic()).increment();
        LOG.warnf("dead letter from %s partition %d offset %d: %s", record.topic(), record.partition(),
                record.offset(), e.getMessage());
        return e;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }
}
