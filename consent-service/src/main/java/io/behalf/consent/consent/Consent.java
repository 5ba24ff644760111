package io.behalf.consent.consent;

import io.behalf.events.Action;
import io.behalf.events.Target;
import io.behalf.events.TargetKind;
import io.behalf.events.consent.Granter;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** One permission request posted to a ticket, and what became of it. */
@Entity
public class Consent extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "ticket_id")
    public String ticketId;
    @Enumerated(EnumType.STRING)
    public Action action;
    @Enumerated(EnumType.STRING)
    @Column(name = "target_kind")
    public TargetKind targetKind;
    @Column(name = "target_id")
    public String targetId;
    @Column(name = "target_path")
    public String targetPath;
    public String details;
    @Column(name = "requested_by")
    public String requestedBy;
    @Enumerated(EnumType.STRING)
    public Granter granter;
    public String message;
    @Enumerated(EnumType.STRING)
    public ConsentStatus status;
    @Column(name = "requested_at")
    public Instant requestedAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "granted_by_user_id")
    public String grantedByUserId;
    @Column(name = "granted_by_username")
    public String grantedByUsername;
    @Column(name = "granted_by_role")
    public String grantedByRole;
    @Column(name = "evidence_comment_id")
    public String evidenceCommentId;
    @Column(name = "valid_until")
    public Instant validUntil;
    @Column(name = "ended_at")
    public Instant endedAt;
    @Column(name = "end_reason")
    public String endReason;
    @Column(name = "review_status")
    public String reviewStatus;
    @Column(name = "reviewed_by")
    public String reviewedBy;
    @Version
    public int version;

    public Target target() {
        return new Target(targetKind, targetId, targetPath);
    }

    /** Locks the row: every transition reads and writes a consent under this lock, so two never interleave. */
    public static Optional<Consent> lockById(UUID id) {
        return Optional.ofNullable(getEntityManager().find(Consent.class, id, LockModeType.PESSIMISTIC_WRITE));
    }

    public static List<Consent> openOnTicketForUpdate(String ticketId) {
        return openOnTicketsForUpdate(List.of(ticketId));
    }

    /** Open (pending or granted) requests of the tickets, locked, by ticket and then oldest first. */
    public static List<Consent> openOnTicketsForUpdate(java.util.Collection<String> ticketIds) {
        return find("ticketId in ?1 and status in ?2 order by ticketId, requestedAt", ticketIds,
                List.of(ConsentStatus.PENDING, ConsentStatus.GRANTED))
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    public static List<Consent> onTicket(String ticketId) {
        return list("ticketId = ?1 order by requestedAt", ticketId);
    }
}
