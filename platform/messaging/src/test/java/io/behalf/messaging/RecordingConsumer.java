package io.behalf.messaging;

import io.behalf.events.ticket.TicketSolved;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** A consumer as a service writes one: its effect is a row in test_effect. */
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
        consumer.consume("test-in", record, event -> {
            TicketSolved solved = event.payload();
            em.createNativeQuery("insert into test_effect (event_id, ticket_id) values (?1, ?2)")
                    .setParameter(1, event.id())
                    .setParameter(2, solved.ticketId())
                    .executeUpdate();
        });
    }
}
