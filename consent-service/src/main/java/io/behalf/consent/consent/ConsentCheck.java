package io.behalf.consent.consent;

import io.behalf.consent.ticket.Ticket;
import io.behalf.events.Action;
import io.behalf.events.TargetKind;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Rule 1 as a question: may Support take this action on this target for this ticket now? Only a granted,
 * unexpired, unrevoked consent for exactly this action and target says yes; no other action's consent counts
 * (rule 4: downloading and revealing CI/CD variables always need their own). Deadlines are compared with the
 * clock here, so the answer is right even before the deadline sweep has ended the consent.
 */
public final class ConsentCheck {

    public record Answer(boolean allowed, UUID consentId, String reason) {
    }

    private ConsentCheck() {
    }

    public static Answer check(String ticketId, Action action, TargetKind kind, String targetId, Instant now) {
        if (Ticket.byId(ticketId).map(Ticket::isSolved).orElse(false)) {
            return new Answer(false, latest(ticketId, action, kind, targetId), "ticket " + ticketId + " is solved");
        }
        List<Consent> matching = Consent.list(
                "ticketId = ?1 and action = ?2 and targetKind = ?3 and targetId = ?4 order by requestedAt desc",
                ticketId, action, kind, targetId);
        if (matching.isEmpty()) {
            return new Answer(false, null, "no consent was requested for " + action + " on " + kind + " " + targetId);
        }
        for (Consent c : matching) {
            if (c.status == ConsentStatus.GRANTED && c.validUntil.isAfter(now)) {
                if (ConsentLifecycle.Review.REQUESTED.equals(c.reviewStatus)) {
                    return new Answer(false, c.id, "granted, but waiting for a Support manager's review");
                }
                if (ConsentLifecycle.Review.REJECTED.equals(c.reviewStatus)) {
                    return new Answer(false, c.id, "granted, but a Support manager rejected it in review");
                }
                return new Answer(true, c.id, "granted by " + c.grantedByUsername + " (" + c.grantedByRole
                        + ") in comment " + c.evidenceCommentId + ", valid until " + c.validUntil);
            }
        }
        Consent last = matching.get(0);
        String reason = switch (last.status) {
            case PENDING -> last.expiresAt.isAfter(now) ? "waiting for the permission reply"
                    : "the request expired without a reply";
            case GRANTED -> "the grant expired at " + last.validUntil;
            case DENIED -> "permission was refused";
            case REVOKED -> "the consent was revoked: " + last.endReason;
            case EXPIRED -> "the consent expired (" + last.endReason + ")";
        };
        return new Answer(false, last.id, reason);
    }

    private static UUID latest(String ticketId, Action action, TargetKind kind, String targetId) {
        return Consent.<Consent>list("ticketId = ?1 and action = ?2 and targetKind = ?3 and targetId = ?4",
                ticketId, action, kind, targetId).stream()
                .max(Comparator.comparing((Consent c) -> c.requestedAt)).map(c -> c.id).orElse(null);
    }
}
