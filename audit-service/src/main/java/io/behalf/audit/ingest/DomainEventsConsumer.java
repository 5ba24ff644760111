package io.behalf.audit.ingest;

import io.behalf.audit.Channels;
import io.behalf.audit.chain.ChainAppender;
import io.behalf.audit.checkpoint.CheckpointWriter;
import io.behalf.events.EventType;
import io.behalf.messaging.IdempotentConsumer;
import io.behalf.messaging.Outbox;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Stores every domain event once: the appended record, its ce_id (dedupe) and its audit.records event (outbox)
 * commit in one transaction. A record that breaks the contract becomes a dead letter with the reason.
 */
@ApplicationScoped
public class DomainEventsConsumer {

    private final IdempotentConsumer consumer;
    private final ChainAppender appender;
    private final Outbox outbox;
    private final CheckpointWriter checkpoints;

    public DomainEventsConsumer(IdempotentConsumer consumer, ChainAppender appender, Outbox outbox,
            CheckpointWriter checkpoints) {
        this.consumer = consumer;
        this.appender = appender;
        this.outbox = outbox;
        this.checkpoints = checkpoints;
    }

    @Incoming(Channels.DOMAIN_EVENTS)
    @Blocking
    public void onEvent(ConsumerRecord<String, String> record) {
        consumer.consume(Channels.DOMAIN_EVENTS, record, event -> {
            List<ChainAppender.Appended> stored = appender.append(List.of(AuditEntries.from(event, record)));
            for (ChainAppender.Appended a : stored) {
                outbox.publish(EventType.AUDIT_RECORD, a.key(), a.record().subject(), a.record());
            }
        });
        checkpoints.recorded(1);
    }
}
