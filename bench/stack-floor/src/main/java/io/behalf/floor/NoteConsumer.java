package io.behalf.floor;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

@ApplicationScoped
public class NoteConsumer {

    @Incoming("notes")
    @Blocking
    @Transactional
    public void onNotes(ConsumerRecords<String, String> records) {
        for (ConsumerRecord<String, String> record : records) {
            Note note = new Note();
            note.text = record.value();
            note.persist();
        }
    }

    /** The services run scheduled jobs (relays, sweeps) that touch the database. */
    @Scheduled(every = "30s")
    @Transactional
    void prune() {
        Note.delete("text = ?1", "");
    }
}
