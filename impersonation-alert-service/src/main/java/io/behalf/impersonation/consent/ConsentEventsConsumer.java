package io.behalf.impersonation.consent;

import io.behalf.events.consent.ConsentDenied;
import io.behalf.events.consent.ConsentExpired;
import io.behalf.events.consent.ConsentGranted;
import io.behalf.events.consent.ConsentRequested;
import io.behalf.events.consent.ConsentRevoked;
import io.behalf.impersonation.Channels;
import io.behalf.messaging.IdempotentConsumer;
import io.behalf.messaging.InboundEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Keeps {@link ConsentProjection} up to date from consent.events; each record's effect commits with its ce_id. */
@ApplicationScoped
public class ConsentEventsConsumer {

    private final IdempotentConsumer consumer;

    public ConsentEventsConsumer(IdempotentConsumer consumer) {
        this.consumer = consumer;
    }

    /** A poll batch per transaction: one commit and one dedupe statement for all its records, not one each. */
    @Incoming(Channels.CONSENT_EVENTS)
    @Blocking
    public void onConsentEvents(ConsumerRecords<String, String> records) {
        consumer.consumeEachInBatch(Channels.CONSENT_EVENTS, records, this::apply);
    }

    void apply(InboundEvent event) {
        switch (event.eventType()) {
            case CONSENT_REQUESTED -> requested(event.payload());
            case CONSENT_GRANTED -> granted(event.payload());
            case CONSENT_DENIED -> {
                ConsentDenied denied = event.payload();
                end(denied.consentId(), denied.ticketId());
            }
            case CONSENT_REVOKED -> {
                ConsentRevoked revoked = event.payload();
                end(revoked.consentId(), revoked.ticketId());
            }
            case CONSENT_EXPIRED -> {
                ConsentExpired expired = event.payload();
                end(expired.consentId(), expired.ticketId());
            }
            default -> event.payload(); // validated so that a broken record is a dead letter; nothing else to keep
        }
    }

    private void requested(ConsentRequested requested) {
        ConsentProjection c = ConsentProjection.lockOrCreate(requested.consentId(), requested.ticketId());
        c.action = requested.action().name();
        c.targetKind = requested.target().kind().name();
        c.targetId = requested.target().id();
        c.persist();
    }

    private void granted(ConsentGranted granted) {
        ConsentProjection c = ConsentProjection.lockOrCreate(granted.consentId(), granted.ticketId());
        c.action = granted.action().name();
        c.targetKind = granted.target().kind().name();
        c.targetId = granted.target().id();
        c.validUntil = granted.validUntil();
        // a grant redelivered after its end (another producer, a replay) must not bring the consent back
        if (!ConsentProjection.ENDED.equals(c.status)) {
            c.status = ConsentProjection.GRANTED;
        }
        c.persist();
    }

    private void end(String consentId, String ticketId) {
        ConsentProjection c = ConsentProjection.lockOrCreate(consentId, ticketId);
        c.status = ConsentProjection.ENDED;
        c.persist();
    }
}
