package io.behalf.consent.consent;

import io.behalf.consent.ticket.TicketEventsConsumer.TicketSolvedNotice;
import io.behalf.events.EventType;
import io.behalf.events.consent.ConsentExpired;
import io.behalf.events.consent.ExpiryReason;
import io.behalf.messaging.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;

/** Ends consents (rule 5): a solved ticket ends every consent still open on it. */
@ApplicationScoped
public class ConsentLifecycle {

    private final Outbox outbox;

    public ConsentLifecycle(Outbox outbox) {
        this.outbox = outbox;
    }

    void onTicketSolved(@Observes TicketSolvedNotice solved) {
        for (Consent consent : Consent.openOnTicketForUpdate(solved.ticketId())) {
            expire(consent, ExpiryReason.TICKET_SOLVED);
        }
    }

    void expire(Consent consent, ExpiryReason reason) {
        consent.status = ConsentStatus.EXPIRED;
        consent.endedAt = Instant.now();
        consent.endReason = reason.name();
        ConsentHistory.record(consent.id, "EXPIRED", null, reason.name());
        outbox.publish(EventType.CONSENT_EXPIRED, consent.ticketId, consent.id.toString(),
                new ConsentExpired(consent.id.toString(), consent.ticketId, reason));
    }
}
