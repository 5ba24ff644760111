package io.behalf.events;

import io.behalf.events.audit.AuditRecord;
import io.behalf.events.consent.ConsentDenied;
import io.behalf.events.consent.ConsentExpired;
import io.behalf.events.consent.ConsentGranted;
import io.behalf.events.consent.ConsentReplyIgnored;
import io.behalf.events.consent.ConsentReplyUnclear;
import io.behalf.events.consent.ConsentRequested;
import io.behalf.events.consent.ConsentRevoked;
import io.behalf.events.consent.DeletionConfirmed;
import io.behalf.events.consent.DeletionOverdue;
import io.behalf.events.consent.DeletionRequired;
import io.behalf.events.consent.ReviewDecided;
import io.behalf.events.consent.ReviewRequested;
import io.behalf.events.emailrelease.EmailReleaseCompleted;
import io.behalf.events.emailrelease.EmailReleaseRejected;
import io.behalf.events.emailrelease.EmailReleaseRequested;
import io.behalf.events.impersonation.ConfirmationRequested;
import io.behalf.events.impersonation.ImpersonationConfirmed;
import io.behalf.events.impersonation.ImpersonationDisputed;
import io.behalf.events.impersonation.ImpersonationStarted;
import io.behalf.events.impersonation.ImpersonationStopped;
import io.behalf.events.impersonation.ImpersonationUnconfirmed;
import io.behalf.events.ticket.OwnershipVerified;
import io.behalf.events.ticket.TicketCommentAdded;
import io.behalf.events.ticket.TicketOpened;
import io.behalf.events.ticket.TicketSolved;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every CloudEvents type of DESIGN.md: its {@code ce_type}, the topic it travels on and its payload record.
 * Its schema and example fixture are resources named after the type.
 */
public enum EventType {
    TICKET_OPENED("behalf.ticket.opened", Topics.TICKET_EVENTS, TicketOpened.class),
    TICKET_COMMENT_ADDED("behalf.ticket.comment-added", Topics.TICKET_EVENTS, TicketCommentAdded.class),
    TICKET_OWNERSHIP_VERIFIED("behalf.ticket.ownership-verified", Topics.TICKET_EVENTS, OwnershipVerified.class),
    TICKET_SOLVED("behalf.ticket.solved", Topics.TICKET_EVENTS, TicketSolved.class),

    CONSENT_REQUESTED("behalf.consent.requested", Topics.CONSENT_EVENTS, ConsentRequested.class),
    CONSENT_GRANTED("behalf.consent.granted", Topics.CONSENT_EVENTS, ConsentGranted.class),
    CONSENT_DENIED("behalf.consent.denied", Topics.CONSENT_EVENTS, ConsentDenied.class),
    CONSENT_REPLY_UNCLEAR("behalf.consent.reply-unclear", Topics.CONSENT_EVENTS, ConsentReplyUnclear.class),
    CONSENT_REPLY_IGNORED("behalf.consent.reply-ignored", Topics.CONSENT_EVENTS, ConsentReplyIgnored.class),
    CONSENT_REVOKED("behalf.consent.revoked", Topics.CONSENT_EVENTS, ConsentRevoked.class),
    CONSENT_EXPIRED("behalf.consent.expired", Topics.CONSENT_EVENTS, ConsentExpired.class),
    CONSENT_REVIEW_REQUESTED("behalf.consent.review-requested", Topics.CONSENT_EVENTS, ReviewRequested.class),
    CONSENT_REVIEW_DECIDED("behalf.consent.review-decided", Topics.CONSENT_EVENTS, ReviewDecided.class),
    DATA_DELETION_REQUIRED("behalf.data.deletion-required", Topics.CONSENT_EVENTS, DeletionRequired.class),
    DATA_DELETION_CONFIRMED("behalf.data.deletion-confirmed", Topics.CONSENT_EVENTS, DeletionConfirmed.class),
    DATA_DELETION_OVERDUE("behalf.data.deletion-overdue", Topics.CONSENT_EVENTS, DeletionOverdue.class),

    EMAIL_RELEASE_REQUESTED("behalf.email-release.requested", Topics.EMAIL_RELEASE_EVENTS, EmailReleaseRequested.class),
    EMAIL_RELEASE_COMPLETED("behalf.email-release.completed", Topics.EMAIL_RELEASE_EVENTS, EmailReleaseCompleted.class),
    EMAIL_RELEASE_REJECTED("behalf.email-release.rejected", Topics.EMAIL_RELEASE_EVENTS, EmailReleaseRejected.class),

    IMPERSONATION_STARTED("behalf.impersonation.started", Topics.IMPERSONATION_EVENTS, ImpersonationStarted.class),
    IMPERSONATION_STOPPED("behalf.impersonation.stopped", Topics.IMPERSONATION_EVENTS, ImpersonationStopped.class),
    IMPERSONATION_CONFIRMATION_REQUESTED("behalf.impersonation.confirmation-requested", Topics.IMPERSONATION_EVENTS,
            ConfirmationRequested.class),
    IMPERSONATION_CONFIRMED("behalf.impersonation.confirmed", Topics.IMPERSONATION_EVENTS, ImpersonationConfirmed.class),
    IMPERSONATION_DISPUTED("behalf.impersonation.disputed", Topics.IMPERSONATION_EVENTS, ImpersonationDisputed.class),
    IMPERSONATION_UNCONFIRMED("behalf.impersonation.unconfirmed", Topics.IMPERSONATION_EVENTS,
            ImpersonationUnconfirmed.class),

    AUDIT_RECORD("behalf.audit.record", Topics.AUDIT_RECORDS, AuditRecord.class);

    private static final Map<String, EventType> BY_TYPE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(EventType::type, Function.identity()));

    private final String type;
    private final String topic;
    private final Class<? extends Record> payload;

    EventType(String type, String topic, Class<? extends Record> payload) {
        this.type = type;
        this.topic = topic;
        this.payload = payload;
    }

    public String type() {
        return type;
    }

    public String topic() {
        return topic;
    }

    public Class<? extends Record> payload() {
        return payload;
    }

    public String schemaResource() {
        return "behalf/events/schemas/" + type + ".schema.json";
    }

    public String fixtureResource() {
        return "behalf/events/fixtures/" + type + ".json";
    }

    /**
     * The record key DESIGN.md prescribes for this payload, where the payload names it: the ticket for ticket and
     * consent events, the account for email releases, the impersonated user for a started impersonation. The other
     * impersonation events name only the impersonation, so their key cannot be checked from the payload alone.
     */
    public Optional<String> partitionKey(Record data) {
        if (data instanceof ImpersonationStarted started) {
            return Optional.ofNullable(started.user()).map(u -> u.userId());
        }
        String component = switch (topic) {
            case Topics.TICKET_EVENTS, Topics.CONSENT_EVENTS -> "ticketId";
            case Topics.EMAIL_RELEASE_EVENTS -> "accountId";
            default -> null;
        };
        if (component == null) {
            return Optional.empty();
        }
        return RecordFields.named(data.getClass(), component).map(f -> f.of(data)).map(Object::toString);
    }

    public static Optional<EventType> of(String ceType) {
        return Optional.ofNullable(ceType).map(BY_TYPE::get);
    }

    public static EventType of(Class<?> payload) {
        for (EventType t : values()) {
            if (t.payload.equals(payload)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no event type for " + payload.getName());
    }
}
