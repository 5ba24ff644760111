package io.behalf.consent.consent;

import io.behalf.consent.ticket.Ticket;
import io.behalf.events.Action;
import io.behalf.events.TargetKind;
import java.time.Instant;
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

    /** What the answer needs of one consent, read as a projection: no entity is loaded or dirty-checked. */
    record Candidate(UUID id, ConsentStatus status, Instant expiresAt, Instant validUntil, String reviewStatus,
            String grantedByUsername, String grantedByRole, String evidenceCommentId, String endReason,
            Instant ticketSolvedAt) {
    }

    /**
     * The consents for exactly this action and target, newest first, each with its ticket's solve time: one
     * statement for the whole answer (a check is the hottest read of the service).
     */
    private static final String CANDIDATES = """
            select c.id, c.status, c.expiresAt, c.validUntil, c.reviewStatus, c.grantedByUsername, c.grantedByRole,
                   c.evidenceCommentId, c.endReason, (select t.solvedAt from Ticket t where t.ticketId = c.ticketId)
            from Consent c
            where c.ticketId = :ticketId and c.action = :action and c.targetKind = :kind and c.targetId = :targetId
            order by c.requestedAt desc""";

    public static Answer check(String ticketId, Action action, TargetKind kind, String targetId, Instant now) {
        List<Candidate> matching = Consent.getEntityManager().createQuery(CANDIDATES, Candidate.class)
                .setParameter("ticketId", ticketId).setParameter("action", action).setParameter("kind", kind)
                .setParameter("targetId", targetId).getResultList();
        if (matching.isEmpty()) {
            if (Ticket.byId(ticketId).map(Ticket::isSolved).orElse(false)) {
                return new Answer(false, null, "ticket " + ticketId + " is solved");
            }
            return new Answer(false, null, "no consent was requested for " + action + " on " + kind + " " + targetId);
        }
        if (matching.get(0).ticketSolvedAt() != null) {
            return new Answer(false, matching.get(0).id(), "ticket " + ticketId + " is solved");
        }
        for (Candidate c : matching) {
            if (c.status() == ConsentStatus.GRANTED && c.validUntil().isAfter(now)) {
                if (ConsentLifecycle.Review.REQUESTED.equals(c.reviewStatus())) {
                    return new Answer(false, c.id(), "granted, but waiting for a Support manager's review");
                }
                if (ConsentLifecycle.Review.REJECTED.equals(c.reviewStatus())) {
                    return new Answer(false, c.id(), "granted, but a Support manager rejected it in review");
                }
                return new Answer(true, c.id(), "granted by " + c.grantedByUsername() + " (" + c.grantedByRole()
                        + ") in comment " + c.evidenceCommentId() + ", valid until " + c.validUntil());
            }
        }
        Candidate last = matching.get(0);
        String reason = switch (last.status()) {
            case PENDING -> last.expiresAt().isAfter(now) ? "waiting for the permission reply"
                    : "the request expired without a reply";
            case GRANTED -> "the grant expired at " + last.validUntil();
            case DENIED -> "permission was refused";
            case REVOKED -> "the consent was revoked: " + last.endReason();
            case EXPIRED -> "the consent expired (" + last.endReason() + ")";
        };
        return new Answer(false, last.id(), reason);
    }
}
