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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps the projection of RELEASE_EMAIL consents on user accounts. The denied, revoked and expired events do not
 * name the action or target, so the requested and granted events are what tell us a consent is ours; the others
 * only change consents we already know.
 * <p>
 * A poll batch per transaction: one commit and one dedupe statement for all its records, the rows of every consent
 * the batch names locked in one statement, then its events applied in offset order and the rows written as JDBC
 * batches, instead of a lock and a flush per record.
 */
@ApplicationScoped
public class ConsentEventsConsumer {

    private final IdempotentConsumer consumer;
    private final Event<ConsentsChanging> changing;
    private final Event<ConsentChanged> changed;

    public ConsentEventsConsumer(IdempotentConsumer consumer, Event<ConsentsChanging> changing,
            Event<ConsentChanged> changed) {
        this.consumer = consumer;
        this.changing = changing;
        this.changed = changed;
    }

    @Incoming(Channels.CONSENT_EVENTS)
    @Blocking
    public void onConsentEvents(ConsumerRecords<String, String> records) {
        consumer.consumeBatch(Channels.CONSENT_EVENTS, records, this::apply);
    }

    void apply(List<InboundEvent> events) {
        List<Change> changes = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        for (InboundEvent event : events) {
            Change change = change(event);
            if (change != null) {
                changes.add(change);
                named.add(change.consentId());
            }
        }
        Map<String, ReleaseConsent> known = ReleaseConsent.lockAll(named);
        Set<String> accounts = new LinkedHashSet<>();
        for (Change change : changes) {
            String account = change.account().apply(known);
            if (account != null) {
                accounts.add(account);
            }
        }
        if (!accounts.isEmpty()) {
            changing.fire(new ConsentsChanging(accounts));
        }
        changes.forEach(change -> change.effect().accept(known));
    }

    /** What the event does to the consents we keep, given them by id; null for an event that concerns none. */
    private Change change(InboundEvent event) {
        return switch (event.eventType()) {
            case CONSENT_REQUESTED -> {
                ConsentRequested requested = event.payload();
                yield releasesAUserEmail(requested.action(), requested.target())
                        ? new Change(requested.consentId(), known -> null, known -> requested(requested, known))
                        : null;
            }
            case CONSENT_GRANTED -> {
                ConsentGranted granted = event.payload();
                yield releasesAUserEmail(granted.action(), granted.target())
                        ? new Change(granted.consentId(), known -> granted.target().id(), known -> granted(granted, known))
                        : null;
            }
            case CONSENT_DENIED -> {
                ConsentDenied denied = event.payload();
                yield end(denied.consentId(), ReleaseConsentStatus.DENIED);
            }
            case CONSENT_REVOKED -> {
                ConsentRevoked revoked = event.payload();
                yield end(revoked.consentId(), ReleaseConsentStatus.REVOKED);
            }
            case CONSENT_EXPIRED -> {
                ConsentExpired expired = event.payload();
                yield end(expired.consentId(), ReleaseConsentStatus.EXPIRED);
            }
            default -> {
                event.payload(); // validated: a broken record is a dead letter; the others do not concern releases
                yield null;
            }
        };
    }

    /** An end changes a consent we know, if we do, and so that consent's account. */
    private Change end(String consentId, ReleaseConsentStatus status) {
        return new Change(consentId, known -> known.containsKey(consentId) ? known.get(consentId).accountId : null,
                known -> ended(known.get(consentId), status));
    }

    /**
     * @param account the account whose consent the event may grant or end, given the consents we know; null if none
     */
    private record Change(String consentId, Function<Map<String, ReleaseConsent>, String> account,
            Consumer<Map<String, ReleaseConsent>> effect) {
    }

    private void requested(ConsentRequested requested, Map<String, ReleaseConsent> known) {
        known.computeIfAbsent(requested.consentId(), id -> {
            ReleaseConsent consent = new ReleaseConsent();
            consent.consentId = id;
            consent.ticketId = requested.ticketId();
            consent.accountId = requested.target().id();
            consent.status = ReleaseConsentStatus.PENDING;
            consent.updatedAt = Instant.now();
            consent.persist();
            return consent;
        });
    }

    private void granted(ConsentGranted granted, Map<String, ReleaseConsent> known) {
        ReleaseConsent consent = known.get(granted.consentId());
        boolean firstHeardOf = consent == null;
        if (firstHeardOf) {
            consent = new ReleaseConsent();
            consent.consentId = granted.consentId();
            consent.ticketId = granted.ticketId();
            consent.accountId = granted.target().id();
            known.put(consent.consentId, consent);
        } else if (consent.status.ended()) {
            return; // an ended consent never comes back
        }
        consent.status = ReleaseConsentStatus.GRANTED;
        consent.validUntil = granted.validUntil();
        consent.updatedAt = Instant.now();
        if (firstHeardOf) {
            // persisted once its state is set: Hibernate inserts the state it had when persisted
            consent.persist();
        }
        changed.fire(new ConsentChanged(consent));
    }

    private void ended(ReleaseConsent consent, ReleaseConsentStatus status) {
        if (consent != null && !consent.status.ended()) {
            consent.status = status;
            consent.updatedAt = Instant.now();
            changed.fire(new ConsentChanged(consent));
        }
    }

    private static boolean releasesAUserEmail(Action action, Target target) {
        return action == Action.RELEASE_EMAIL && target.kind() == TargetKind.USER;
    }
}
