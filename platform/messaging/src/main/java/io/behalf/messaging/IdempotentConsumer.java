package io.behalf.messaging;

import io.behalf.events.InvalidEventException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;
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
    private final DeadLetters deadLetters;
    private final int maxAttempts;
    private final Duration backoff;

    public IdempotentConsumer(EntityManager em, MeterRegistry metrics, DeadLetters deadLetters,
            @ConfigProperty(name = "behalf.consumer.max-attempts", defaultValue = "5") int maxAttempts,
            @ConfigProperty(name = "behalf.consumer.backoff", defaultValue = "PT0.5S") Duration backoff) {
        this.em = em;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
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
        try {
            apply(consumer, event, effect);
        } catch (RuntimeException e) {
            throw deadLetter(consumer, record, e);
        }
    }

    /** The record's effect in its own transaction, retried; throws what should make it a dead letter. */
    private void apply(String consumer, InboundEvent event, Consumer<InboundEvent> effect) {
        for (int attempt = 1;; attempt++) {
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    if (firstDelivery(consumer, event.id())) {
                        effect.accept(event);
                    }
                });
                return;
            } catch (InvalidEventException e) {
                throw e;
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
                    throw e;
                }
                LOG.warnf("attempt %d for %s failed, retrying: %s", attempt, event.id(), e.toString());
                pause(backoff.multipliedBy(attempt));
            }
        }
    }

    private record Delivered(ConsumerRecord<String, String> record, InboundEvent event) {
    }

    /**
     * Applies a whole poll batch in one transaction: one commit, one dedupe statement and one outbox round for
     * all its records instead of one each, which is what a per-record transaction spends most of its time on.
     * {@code effect} gets the batch's first deliveries in offset order (per partition) and may apply them set-wise.
     * A record that breaks the contract is dead-lettered first. When the batch fails for any other reason than an
     * unreachable database, nothing of it was stored, and its records are applied again one per transaction (each
     * as a list of one), as {@link #consume} does, so that only a failing record is retried and dead-lettered,
     * alone. Returns once every record is stored or dead-lettered.
     */
    public void consumeBatch(String consumer, Iterable<ConsumerRecord<String, String>> records,
            Consumer<List<InboundEvent>> effect) {
        List<Delivered> valid = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                valid.add(new Delivered(record, InboundEvent.from(record)));
            } catch (InvalidEventException e) {
                deadLetters.send(consumer, record, e);
            }
        }
        if (valid.isEmpty()) {
            return;
        }
        List<InboundEvent> events = valid.stream().map(Delivered::event).toList();
        while (true) {
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    Set<String> fresh = firstDeliveries(consumer, events.stream().map(InboundEvent::id).toList());
                    // a ce_id twice in one batch is applied once
                    effect.accept(events.stream().filter(e -> fresh.remove(e.id())).toList());
                });
                return;
            } catch (RuntimeException e) {
                if (!DatabaseUnavailable.isCauseOf(e)) {
                    LOG.warnf("batch of %d from %s not applied, applying its records one by one: %s", events.size(),
                            consumer, e.toString());
                    break;
                }
                LOG.warnf("database unavailable while applying a batch of %d, waiting: %s", events.size(),
                        e.getMessage());
                pause(backoff.multipliedBy(4));
            }
        }
        for (Delivered d : valid) {
            try {
                apply(consumer, d.event(), event -> effect.accept(List.of(event)));
            } catch (RuntimeException e) {
                deadLetters.send(consumer, d.record(), e);
            }
        }
    }

    /**
     * Records the ce_ids as processed by {@code consumer}, in the caller's transaction, in one statement; returns
     * those that were not before (redeliveries are left out). For consumers that store a batch their own way.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Set<String> firstDeliveries(String consumer, Collection<String> eventIds) {
        Set<String> fresh = new HashSet<>();
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    insert into processed_event (consumer, event_id) select ?, unnest(?::text[])
                    on conflict do nothing returning event_id""")) {
                s.setString(1, consumer);
                s.setArray(2, c.createArrayOf("text", eventIds.stream().distinct().toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        fresh.add(rs.getString(1));
                    }
                }
            }
        });
        return fresh;
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
