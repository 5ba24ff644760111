package io.behalf.emailrelease.consent;

import io.behalf.emailrelease.Channels;
import io.behalf.events.Action;
import io.behalf.events.Target;
import io.behalf.events.TargetKind;
import io.behalf.events.consent.ConsentDenied;
import io.behalf.events.consent.ConsentExpired;
import io.behalf.events.consent.ConsentGranted;
import io.behalf.events.consent.ConsentRequested;
import io.behalf.events.consent.ConsentRevoked;
import io.behalf.messaging.IdempotentConsumer;
import io.behalf.messaging.InboundEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps the projection of RELEASE_EMAIL consents on user accounts. The denied, revoked and expired events do not
 * name the action or target, so the requested and granted events are what tell us a consent is ours; the others
 * only change consents we already know.
 */
@ApplicationScoped
public class ConsentEventsConsumer {

    private final IdempotentConsumer consumer;
    private final Event<ConsentChanged> changed;

    public ConsentEventsConsumer(IdempotentConsumer consumer, Event<ConsentChanged> changed) {
        this.consumer = consumer;
        this.changed = changed;
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
                ended(denied.consentId(), ReleaseConsentStatus.DENIED);
            }
            case CONSENT_REVOKED -> {
                ConsentRevoked revoked = event.payload();
                ended(revoked.consentId(), ReleaseConsentStatus.REVOKED);
            }
            case CONSENT_EXPIRED -> {
                ConsentExpired expired = event.payload();
                ended(expired.consentId(), ReleaseConsentStatus.EXPIRED);
            }
            default -> event.payload(); // validated; the other consent events do not concern releases
        }
    }

    private void requested(ConsentRequested requested) {
        if (!releasesAUserEmail(requested.action(), requested.target())) {
            return;
        }
        if (ReleaseConsent.lockById(requested.consentId()).isEmpty()) {
            ReleaseConsent consent = new ReleaseConsent();
            consent.consentId = requested.consentId();
            consent.ticketId = requested.ticketId();
            consent.accountId = requested.target().id();
            consent.status = ReleaseConsentStatus.PENDING;
            consent.updatedAt = Instant.now();
            consent.persist();
        }
    }

    private void granted(ConsentGranted granted) {
        if (!releasesAUserEmail(granted.action(), granted.target())) {
            return;
        }
        ReleaseConsent consent = ReleaseConsent.lockById(granted.consentId()).orElse(null);
        if (consent == null) {
            consent = new ReleaseConsent();
            consent.consentId = granted.consentId();
            consent.ticketId = granted.ticketId();
            consent.accountId = granted.target().id();
            consent.persist();
        } else if (consent.status.ended()) {
            return; // an ended consent never comes back
        }
        consent.status = ReleaseConsentStatus.GRANTED;
        consent.validUntil = granted.validUntil();
        consent.updatedAt = Instant.now();
        changed.fire(new ConsentChanged(consent));
    }

    private void ended(String consentId, ReleaseConsentStatus status) {
        ReleaseConsent.lockById(consentId).filter(c -> !c.status.ended()).ifPresent(consent -> {
            consent.status = status;
            consent.updatedAt = Instant.now();
            changed.fire(new ConsentChanged(consent));
        });
    }

    private static boolean releasesAUserEmail(Action action, Target target) {
        return action == Action.RELEASE_EMAIL && target.kind() == TargetKind.USER;
    }
}
