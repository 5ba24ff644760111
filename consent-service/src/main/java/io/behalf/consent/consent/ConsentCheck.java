package io.behalf.consent.consent;

import io.behalf.events.Action;
import io.behalf.events.TargetKind;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Rule 1 as a question: may Support take this action on this target for this ticket now? Only a granted,
 * unexpired, unrevoked consent for exactly this action and target says yes; no other action's consent counts
 * (rule 4: downloading and revealing CI/CD variables always need their own). Deadlines are compared with the
 * clock here, so the answer is right even before the deadline sweep has ended the consent.
 */
@ApplicationScoped
public class ConsentCheck {

    public record Answer(boolean allowed, UUID consentId, String reason) {
    }

    /** What the answer needs of one consent. */
    record Candidate(UUID id, ConsentStatus status, Instant expiresAt, Instant validUntil, String reviewStatus,
            String grantedByUsername, String grantedByRole, String evidenceCommentId, String endReason) {
    }

    /**
     * The ticket's solve time and the consents for exactly this action and target, newest first: one row with no
     * consent when there is none, so one statement answers every case. The check is the hottest read of the
     * service, and plain JDBC on a pooled connection costs a fraction of a Hibernate query and its session, with
     * no entity to load or flush (bench/README.md, the check benchmark).
     */
    private static final String CANDIDATES = """
            select t.solved_at, c.id, c.status, c.expires_at, c.valid_until, c.review_status, c.granted_by_username,
                   c.granted_by_role, c.evidence_comment_id, c.end_reason
            from (select ?::text as ticket_id) q
            left join ticket t on t.ticket_id = q.ticket_id
            left join consent c on c.ticket_id = q.ticket_id and c.action = ? and c.target_kind = ? and c.target_id = ?
            order by c.requested_at desc""";

    private final DataSource dataSource;

    public ConsentCheck(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Answer check(String ticketId, Action action, TargetKind kind, String targetId, Instant now) {
        List<Candidate> matching = new ArrayList<>();
        boolean solved = false;
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(CANDIDATES)) {
            s.setString(1, ticketId);
            s.setString(2, action.name());
            s.setString(3, kind.name());
            s.setString(4, targetId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    solved = rs.getObject(1) != null;
                    UUID id = rs.getObject(2, UUID.class);
                    if (id != null) {
                        matching.add(new Candidate(id, ConsentStatus.valueOf(rs.getString(3)), instant(rs, 4),
                                instant(rs, 5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                                rs.getString(10)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("consent check for ticket " + ticketId + " failed", e);
        }
        return answer(ticketId, action, kind, targetId, now, solved, matching);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Answer answer(String ticketId, Action action, TargetKind kind, String targetId, Instant now,
            boolean solved, List<Candidate> matching) {
        if (solved) {
            UUID newest = matching.isEmpty() ? null : matching.get(0).id();
            return new Answer(false, newest, "ticket " + ticketId + " is solved");
        }
        if (matching.isEmpty()) {
            return new Answer(false, null, "no consent was requested for " + action + " on " + kind + " " + targetId);
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
