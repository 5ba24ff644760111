package io.behalf.audit.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.behalf.audit.chain.NewRecord;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.InvalidEventException;
import io.behalf.events.consent.ConsentDenied;
import io.behalf.events.consent.ConsentGranted;
import io.behalf.events.consent.ConsentReplyIgnored;
import io.behalf.events.consent.ConsentRequested;
import io.behalf.events.consent.ConsentRevoked;
import io.behalf.events.consent.DeletionConfirmed;
import io.behalf.events.consent.ReviewDecided;
import io.behalf.events.emailrelease.EmailReleaseRequested;
import io.behalf.events.impersonation.ImpersonationConfirmed;
import io.behalf.events.impersonation.ImpersonationDisputed;
import io.behalf.events.impersonation.ImpersonationStarted;
import io.behalf.events.ticket.OwnershipVerified;
import io.behalf.events.ticket.TicketCommentAdded;
import io.behalf.events.ticket.TicketOpened;
import io.behalf.messaging.InboundEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Turns a delivered domain event into the normalized audit entry: who acted, on which ticket, about what. */
public final class AuditEntries {

    /** Ids that name what an event is about, in the order they are preferred as its subject. */
    private static final List<String> SUBJECT_FIELDS = List.of("consentId", "releaseId", "impersonationId", "ticketId");

    private AuditEntries() {
    }

    /** @throws InvalidEventException for an unknown type, a type on the wrong topic or a payload breaking the contract */
    public static NewRecord from(InboundEvent event, ConsumerRecord<String, String> delivered) {
        EventType type = event.eventType();
        // read once: the tree is stored and hashed, the payload record gives the actor
        JsonNode data = EventJson.readTree(event.data());
        Record payload = event.payload(data);
        String ticketId = text(data, "ticketId");
        String subject = event.subject() != null ? event.subject()
                : SUBJECT_FIELDS.stream().map(f -> text(data, f)).filter(v -> v != null).findFirst().orElse(null);
        String key = keyOf(ticketId, subject, delivered.key(), event.id());
        return new NewRecord(key, event.id(), event.type(), event.source(), subject, ticketId, actor(type, payload),
                event.time() != null ? event.time() : Instant.now(), data, notes(payload),
                new NewRecord.Delivery("1.0", header(delivered, "content-type"), delivered.key(), delivered.topic(),
                        delivered.partition(), delivered.offset()));
    }

    /** The GitLab user (or Slack user, for Slack answers) whose action the event records; null for system events. */
    static String actor(EventType type, Record p) {
        return switch (type) {
            case TICKET_OPENED -> ((TicketOpened) p).requester().userId();
            case TICKET_COMMENT_ADDED -> ((TicketCommentAdded) p).author().userId();
            case TICKET_OWNERSHIP_VERIFIED -> ((OwnershipVerified) p).verifiedBy();
            case CONSENT_REQUESTED -> ((ConsentRequested) p).requestedBy();
            case CONSENT_GRANTED -> ((ConsentGranted) p).grantedBy().userId();
            case CONSENT_DENIED -> ((ConsentDenied) p).deniedBy();
            case CONSENT_REPLY_IGNORED -> ((ConsentReplyIgnored) p).authorUserId();
            case CONSENT_REVOKED -> ((ConsentRevoked) p).revokedBy();
            case CONSENT_REVIEW_DECIDED -> ((ReviewDecided) p).manager();
            case DATA_DELETION_CONFIRMED -> ((DeletionConfirmed) p).confirmedBy();
            case EMAIL_RELEASE_REQUESTED -> ((EmailReleaseRequested) p).requestedBy();
            case IMPERSONATION_STARTED -> ((ImpersonationStarted) p).admin().userId();
            case IMPERSONATION_CONFIRMED -> ((ImpersonationConfirmed) p).confirmedBy();
            case IMPERSONATION_DISPUTED -> ((ImpersonationDisputed) p).disputedBy();
            default -> null;
        };
    }

    /** DESIGN rule 7: an impersonation's sign-in must never be read as the user's own. */
    static List<String> notes(Record payload) {
        if (payload instanceof ImpersonationStarted s) {
            return List.of(("Impersonation %s by admin %s (GitLab user %s) overwrote the Current sign-in IP and "
                    + "Current sign-in at of user %s (GitLab user %s): the sign-in at %s%s was the admin "
                    + "impersonating the user, not the user's own sign-in.").formatted(s.impersonationId(),
                            s.admin().username(), s.admin().userId(), s.user().username(), s.user().userId(),
                            s.startedAt(), s.ip() == null ? "" : " from " + s.ip()));
        }
        return List.of();
    }

    private static String text(JsonNode data, String field) {
        JsonNode v = data.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The audit key: it picks the record's chain and keys it on audit.records. */
    public static String keyOf(String ticketId, String subject, String recordKey, String eventId) {
        return Stream.of(ticketId, subject, recordKey, eventId).filter(v -> v != null && !v.isBlank()).findFirst()
                .orElseThrow();
    }
}
