package io.behalf.consent.consent;

import io.behalf.consent.ticket.TicketEventsConsumer.TicketSolvedNotice;
import io.behalf.events.EventType;
import io.behalf.events.consent.ConsentDenied;
import io.behalf.events.consent.ConsentExpired;
import io.behalf.events.consent.ConsentGranted;
import io.behalf.events.consent.ConsentReplyIgnored;
import io.behalf.events.consent.ConsentReplyUnclear;
import io.behalf.events.consent.ConsentRevoked;
import io.behalf.events.consent.ExpiryReason;
import io.behalf.events.consent.GrantedBy;
import io.behalf.events.consent.ReviewDecided;
import io.behalf.events.consent.ReviewRequested;
import io.behalf.messaging.Outbox;
import io.behalf.web.ProblemException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * Every transition of a consent after it was requested, each with its event written to the outbox in the same
 * transaction. Callers hold the consent's row lock ({@link Consent#lockById}, {@link Consent#openOnTicketForUpdate}
 * or a deadline claim), so a transition is decided on the state it changes and published exactly once.
 * An illegal transition changes nothing and is refused as a 409 problem.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class ConsentLifecycle {

    /** Observer order on a solved ticket: consents end first, then the deletion obligations are raised. */
    public static final int ENDS_CONSENTS = 100;

    private final Outbox outbox;
    private final ConsentSettings settings;

    public ConsentLifecycle(Outbox outbox, ConsentSettings settings) {
        this.outbox = outbox;
        this.settings = settings;
    }

    void onTicketSolved(@Observes @Priority(ENDS_CONSENTS) TicketSolvedNotice solved) {
        for (Consent consent : Consent.openOnTicketForUpdate(solved.ticketId())) {
            expire(consent, ExpiryReason.TICKET_SOLVED);
        }
    }

    public void grant(Consent consent, GrantedBy by, String commentId) {
        Instant now = Instant.now();
        require(consent.status == ConsentStatus.PENDING && consent.expiresAt.isAfter(now), consent, "granted");
        consent.status = ConsentStatus.GRANTED;
        consent.grantedByUserId = by.userId();
        consent.grantedByUsername = by.username();
        consent.grantedByRole = by.role();
        consent.evidenceCommentId = commentId;
        consent.validUntil = now.plus(settings.grantTtl());
        ConsentHistory.record(consent.id, "GRANTED", by.username(), by.role() + " in comment " + commentId);
        outbox.publish(EventType.CONSENT_GRANTED, consent.ticketId, consent.id.toString(),
                new ConsentGranted(consent.id.toString(), consent.ticketId, consent.action, consent.target(), by,
                        commentId, consent.validUntil));
    }

    public void deny(Consent consent, String deniedBy, String commentId) {
        require(consent.status == ConsentStatus.PENDING, consent, "denied");
        end(consent, ConsentStatus.DENIED, "DENIED_IN_COMMENT");
        ConsentHistory.record(consent.id, "DENIED", deniedBy, "in comment " + commentId);
        outbox.publish(EventType.CONSENT_DENIED, consent.ticketId, consent.id.toString(),
                new ConsentDenied(consent.id.toString(), consent.ticketId, deniedBy, commentId));
    }

    /** An authorised author answered, but not clearly: nothing changes, the engineer looks at the comment. */
    public void replyUnclear(Consent consent, String commentId, String why) {
        ConsentHistory.record(consent.id, "REPLY_UNCLEAR", null, "comment " + commentId + ": " + why);
        outbox.publish(EventType.CONSENT_REPLY_UNCLEAR, consent.ticketId, consent.id.toString(),
                new ConsentReplyUnclear(consent.id.toString(), consent.ticketId, commentId, why));
    }

    /** Rule 2: someone who may not answer this request answered; nothing changes, but it is on record. */
    public void replyIgnored(Consent consent, String commentId, String authorUserId, String why) {
        ConsentHistory.record(consent.id, "REPLY_IGNORED", authorUserId, "comment " + commentId + ": " + why);
        outbox.publish(EventType.CONSENT_REPLY_IGNORED, consent.ticketId, consent.id.toString(),
                new ConsentReplyIgnored(consent.id.toString(), consent.ticketId, commentId, authorUserId, why));
    }

    public void revoke(Consent consent, String revokedBy, String reason) {
        require(consent.status.isOpen(), consent, "revoked");
        end(consent, ConsentStatus.REVOKED, reason);
        ConsentHistory.record(consent.id, "REVOKED", revokedBy, reason);
        outbox.publish(EventType.CONSENT_REVOKED, consent.ticketId, consent.id.toString(),
                new ConsentRevoked(consent.id.toString(), consent.ticketId, revokedBy, reason));
    }

    public void expire(Consent consent, ExpiryReason reason) {
        require(consent.status.isOpen(), consent, "expired");
        end(consent, ConsentStatus.EXPIRED, reason.name());
        ConsentHistory.record(consent.id, "EXPIRED", null, reason.name());
        outbox.publish(EventType.CONSENT_EXPIRED, consent.ticketId, consent.id.toString(),
                new ConsentExpired(consent.id.toString(), consent.ticketId, reason));
    }

    /** "If in doubt, please ask a Support manager to review": until a manager approves, the consent allows nothing. */
    public void requestReview(Consent consent, String engineer, String note) {
        require(consent.status.isOpen(), consent, "sent for review");
        if (Review.REQUESTED.equals(consent.reviewStatus)) {
            throw ProblemException.conflict("review-already-requested", "consent " + consent.id
                    + " is already waiting for a manager's review");
        }
        consent.reviewStatus = Review.REQUESTED;
        consent.reviewedBy = null;
        ConsentHistory.record(consent.id, "REVIEW_REQUESTED", engineer, note);
        outbox.publish(EventType.CONSENT_REVIEW_REQUESTED, consent.ticketId, consent.id.toString(),
                new ReviewRequested(consent.id.toString(), consent.ticketId, null, null,
                        note == null ? "requested by " + engineer : "requested by " + engineer + ": " + note));
    }

    public void decideReview(Consent consent, String manager, String decision, String note) {
        require(consent.status.isOpen(), consent, "reviewed");
        if (Review.APPROVED.equals(consent.reviewStatus) || Review.REJECTED.equals(consent.reviewStatus)) {
            throw ProblemException.conflict("review-already-decided", "consent " + consent.id + " was already "
                    + consent.reviewStatus + " by " + consent.reviewedBy);
        }
        consent.reviewStatus = decision;
        consent.reviewedBy = manager;
        ConsentHistory.record(consent.id, "REVIEW_" + decision, manager, note);
        outbox.publish(EventType.CONSENT_REVIEW_DECIDED, consent.ticketId, consent.id.toString(),
                new ReviewDecided(consent.id.toString(), consent.ticketId, manager, decision, note));
    }

    private static void end(Consent consent, ConsentStatus status, String reason) {
        consent.status = status;
        consent.endedAt = Instant.now();
        consent.endReason = reason;
    }

    private static void require(boolean legal, Consent consent, String what) {
        if (!legal) {
            String state = consent.status == ConsentStatus.PENDING ? "PENDING past its deadline " + consent.expiresAt
                    : consent.status.name();
            throw ProblemException.conflict("illegal-transition",
                    "consent " + consent.id + " is " + state + " and cannot be " + what);
        }
    }

    /** Review states kept in {@code consent.review_status}; null means no review was asked for. */
    public static final class Review {
        public static final String REQUESTED = "REQUESTED";
        public static final String APPROVED = "APPROVED";
        public static final String REJECTED = "REJECTED";

        private Review() {
        }
    }
}
