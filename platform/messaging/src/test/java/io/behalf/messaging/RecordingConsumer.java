package io.behalf.messaging;

import io.behalf.events.ticket.TicketSolved;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** A consumer as a service writes one, per record and per poll batch: its effect is a row in test_effect. */
@ApplicationScoped
public class RecordingConsumer {

    private final IdempotentConsumer consumer;
    private final EntityManager em;

    public RecordingConsumer(IdempotentConsumer consumer, EntityManager em) {
        this.consumer = consumer;
        this.em = em;
    }

    @Incoming("test-in")
    @Blocking
    public void on(ConsumerRecord<String, String> record) {
        consumer.consume("test-in", record, event -> record("test-in", event));
    }

    /** The same effect, a poll batch at a time. */
    @Incoming("test-batch-in")
    @Blocking
    public void onBatch(ConsumerRecords<String, String> records) {
        consumer.consumeBatch("test-batch-in", records, events -> events.forEach(e -> record("test-batch-in", e)));
    }

    private void record(String reader, InboundEvent event) {
        TicketSolved solved = event.payload();
        em.createNativeQuery("insert into test_effect (consumer, event_id, ticket_id) values (?1, ?2, ?3)")
                .setParameter(1, reader)
                .setParameter(2, event.id())
                .setParameter(3, solved.ticketId())
                .executeUpdate();
    }
}
