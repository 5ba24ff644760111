package io.behalf.consent.deletion;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Rule 4: data obtained under a consent must be deleted, and the deletion attested, by {@code dueAt}. */
@Entity
@Table(name = "deletion_obligation")
public class DeletionObligation extends PanacheEntityBase {

    @Id
    @Column(name = "consent_id")
    public UUID consentId;
    @Column(name = "ticket_id")
    public String ticketId;
    public String what;
    @Column(name = "due_at")
    public Instant dueAt;
    @Column(name = "confirmed_at")
    public Instant confirmedAt;
    @Column(name = "confirmed_by")
    public String confirmedBy;
    @Column(name = "overdue_published_at")
    public Instant overduePublishedAt;

    public static Optional<DeletionObligation> lockById(UUID consentId) {
        return Optional.ofNullable(getEntityManager().find(DeletionObligation.class, consentId,
                LockModeType.PESSIMISTIC_WRITE));
    }
}
