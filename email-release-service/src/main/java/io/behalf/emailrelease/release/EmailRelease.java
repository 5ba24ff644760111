package io.behalf.emailrelease.release;

import io.behalf.events.emailrelease.EmailKind;
import io.behalf.events.emailrelease.ReleaseReason;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** One request to release an account's address, and how far it got. */
@Entity
@Table(name = "email_release")
public class EmailRelease extends PanacheEntityBase {

    @Id
    public String id;
    @Column(name = "ticket_id")
    public String ticketId;
    @Column(name = "account_id")
    public String accountId;
    public String email;
    @Enumerated(EnumType.STRING)
    @Column(name = "email_kind")
    public EmailKind emailKind;
    @Enumerated(EnumType.STRING)
    public ReleaseReason reason;
    @Column(name = "requested_by")
    public String requestedBy;
    @Enumerated(EnumType.STRING)
    public ReleaseStatus status;
    @Enumerated(EnumType.STRING)
    public ReleaseStep step;
    @Column(name = "consent_id")
    public String consentId;
    @Column(name = "new_email")
    public String newEmail;
    @Column(name = "release_suffix")
    public int releaseSuffix = 1;
    public String code;
    public String detail;
    public int attempts;
    @Column(name = "last_error")
    public String lastError;
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;
    @Column(name = "claim_token")
    public UUID claimToken;
    @Column(name = "claimed_until")
    public Instant claimedUntil;
    @Column(name = "requested_at")
    public Instant requestedAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;

    /** Every change to a release happens under this row lock: the consumers and the worker never interleave. */
    public static Optional<EmailRelease> lockById(String id) {
        return Optional.ofNullable(getEntityManager().find(EmailRelease.class, id, LockModeType.PESSIMISTIC_WRITE));
    }

    /**
     * The accounts' releases that a consent change can still start or stop, locked, by account and oldest first:
     * those awaiting consent, and those started but not yet changing GitLab ({@link #notYetChangingGitLab()}).
     */
    @SuppressWarnings("unchecked")
    public static List<EmailRelease> notYetChangingGitLabForUpdate(Collection<String> accountIds) {
        // one SQL text over an array: as HQL with an in-list, Hibernate built the SQL anew on every call, about 6%
        // of the service's CPU at 500 grants/s (bench/README.md)
        return getEntityManager().createNativeQuery("""
                select * from email_release
                where account_id = any(?1) and (status = ?2 or (status = ?3 and step = ?4))
                order by account_id, requested_at for update""", EmailRelease.class)
                .setParameter(1, accountIds.toArray(String[]::new))
                .setParameter(2, ReleaseStatus.AWAITING_CONSENT.name())
                .setParameter(3, ReleaseStatus.IN_PROGRESS.name())
                .setParameter(4, ReleaseStep.CHECK_ELIGIBILITY.name())
                .getResultList();
    }

    /** Awaiting consent, or started and still checking eligibility: nothing has changed GitLab yet. */
    public boolean notYetChangingGitLab() {
        return status == ReleaseStatus.AWAITING_CONSENT
                || (status == ReleaseStatus.IN_PROGRESS && step == ReleaseStep.CHECK_ELIGIBILITY);
    }

    /** True while the claim with this token is the one in force. */
    public boolean claimedBy(UUID token) {
        return status == ReleaseStatus.IN_PROGRESS && token.equals(claimToken);
    }
}
