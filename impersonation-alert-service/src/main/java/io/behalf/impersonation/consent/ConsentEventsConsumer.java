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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps {@link ConsentProjection} up to date from consent.events, a poll batch per transaction: the batch's
 * consents are locked in one statement, its events applied to them in offset order, and the rows written as one
 * JDBC batch with the ce_ids, instead of a lock and a write per record.
 */
@ApplicationScoped
public class ConsentEventsConsumer {

    private final IdempotentConsumer consumer;

    public ConsentEventsConsumer(IdempotentConsumer consumer) {
        this.consumer = consumer;
    }

    @Incoming(Channels.CONSENT_EVENTS)
    @Blocking
    public void onConsentEvents(ConsumerRecords<String, String> records) {
        consumer.consumeBatch(Channels.CONSENT_EVENTS, records, this::apply);
    }

    void apply(List<InboundEvent> events) {
        List<Change> changes = new ArrayList<>();
        for (InboundEvent event : events) {
            Change change = change(event);
            if (change != null) {
                changes.add(change);
            }
        }
        Map<String, String> ticketByConsent = new LinkedHashMap<>();
        changes.forEach(c -> ticketByConsent.putIfAbsent(c.consentId(), c.ticketId()));
        Map<String, ConsentProjection> consents = ConsentProjection.lockOrCreate(ticketByConsent);
        Instant now = Instant.now();
        for (Change change : changes) {
            ConsentProjection consent = consents.get(change.consentId());
            change.effect().accept(consent);
            consent.updatedAt = now;
        }
        consents.values().forEach(c -> c.persist());
    }

    /** What the event does to its consent; null for an event that concerns no consent's state. */
    private static Change change(InboundEvent event) {
        return switch (event.eventType()) {
            case CONSENT_REQUESTED -> {
                ConsentRequested requested = event.payload();
                yield new Change(requested.consentId(), requested.ticketId(),
                        c -> c.concerns(requested.action(), requested.target()));
            }
            case CONSENT_GRANTED -> {
                ConsentGranted granted = event.payload();
                yield new Change(granted.consentId(), granted.ticketId(), c -> {
                    c.concerns(granted.action(), granted.target());
                    c.validUntil = granted.validUntil();
                    // a grant redelivered after its end (another producer, a replay) must not bring the consent back
                    if (!ConsentProjection.ENDED.equals(c.status)) {
                        c.status = ConsentProjection.GRANTED;
                    }
                });
            }
            case CONSENT_DENIED -> {
                ConsentDenied denied = event.payload();
                yield new Change(denied.consentId(), denied.ticketId(), Change.END);
            }
            case CONSENT_REVOKED -> {
                ConsentRevoked revoked = event.payload();
                yield new Change(revoked.consentId(), revoked.ticketId(), Change.END);
            }
            case CONSENT_EXPIRED -> {
                ConsentExpired expired = event.payload();
                yield new Change(expired.consentId(), expired.ticketId(), Change.END);
            }
            default -> {
                event.payload(); // validated so that a broken record is a dead letter; nothing else to keep
                yield null;
            }
        };
    }

    private record Change(String consentId, String ticketId, Consumer<ConsentProjection> effect) {
        static final Consumer<ConsentProjection> END = c -> c.status = ConsentProjection.ENDED;
    }
}
