package io.behalf.audit.ingest;

import io.behalf.audit.Channels;
import io.behalf.audit.chain.ChainAppender;
import io.behalf.audit.chain.NewRecord;
import io.behalf.audit.checkpoint.CheckpointWriter;
import io.behalf.audit.publish.AuditRecordRelay;
import io.behalf.events.InvalidEventException;
import io.behalf.events.audit.AuditRecord;
import io.behalf.messaging.DeadLetters;
import io.behalf.messaging.InboundEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Stores every domain event once, a poll batch at a time: {@link ChainAppender} appends the records not stored yet
 * in one transaction, with each chain's lock held for the batch, and once it committed {@link AuditRecordRelay}
 * publishes them on audit.records from the table. A record that breaks the contract becomes a dead letter before the
 * batch is stored; a batch the database refuses is retried, then stored one record per transaction so that a
 * single poison record is dead-lettered alone. The method returns only when every record is stored or
 * dead-lettered, and only then is the batch acknowledged.
 */
@ApplicationScoped
public class DomainEventsConsumer {

    private static final Logger LOG = Logger.getLogger(DomainEventsConsumer.class);

    private record Delivered(ConsumerRecord<String, String> record, NewRecord entry) {
    }

    private final ChainAppender appender;
    private final AuditRecordRelay relay;
    private final DeadLetters deadLetters;
    private final CheckpointWriter checkpoints;
    private final int maxAttempts;
    private final Duration backoff;

    public DomainEventsConsumer(ChainAppender appender, AuditRecordRelay relay, DeadLetters deadLetters,
            CheckpointWriter checkpoints,
            @ConfigProperty(name = "behalf.consumer.max-attempts", defaultValue = "5") int maxAttempts,
            @ConfigProperty(name = "behalf.consumer.backoff", defaultValue = "PT0.5S") Duration backoff) {
        this.appender = appender;
        this.relay = relay;
        this.deadLetters = deadLetters;
        this.checkpoints = checkpoints;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
    }

    @Incoming(Channels.DOMAIN_EVENTS)
    @Blocking
    public void onBatch(ConsumerRecords<String, String> records) {
        List<Delivered> valid = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> record : records) {
            try {
                valid.add(new Delivered(record, AuditEntries.from(InboundEvent.from(record), record)));
            } catch (InvalidEventException e) {
                deadLetters.send(Channels.DOMAIN_EVENTS, record, e);
            }
        }
        int stored = store(valid);
        if (stored > 0) {
            checkpoints.recorded(stored);
        }
    }

    private int store(List<Delivered> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        for (int attempt = 1;; attempt++) {
            try {
                List<AuditRecord> appended = QuarkusTransaction.requiringNew()
                        .call(() -> appender.append(batch.stream().map(Delivered::entry).toList()));
                relay.nudge(appended.stream().map(AuditRecord::chain).collect(Collectors.toSet()));
                return appended.size();
            } catch (RuntimeException e) {
                if (io.behalf.messaging.DatabaseUnavailable.isCauseOf(e)) {
                    // no record can be stored until the database is back: wait, and keep the attempts for records
                    LOG.warnf("database unavailable, batch of %d waits: %s", batch.size(), e.getMessage());
                    attempt--;
                    pause(backoff.multipliedBy(4));
                    continue;
                }
                if (attempt >= maxAttempts) {
                    if (batch.size() == 1) {
                        LOG.errorf("giving up on %s after %d attempts: %s", batch.get(0).entry().eventId(), attempt, e);
                        deadLetters.send(Channels.DOMAIN_EVENTS, batch.get(0).record(), rootCause(e));
                        return 0;
                    }
                    LOG.warnf("batch of %d not stored after %d attempts, storing its records one by one: %s",
                            batch.size(), attempt, e.toString());
                    return batch.stream().mapToInt(d -> store(List.of(d))).sum();
                }
                LOG.warnf("attempt %d to store a batch of %d failed, retrying: %s", attempt, batch.size(), e.toString());
                pause(backoff.multipliedBy(attempt));
            }
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
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
