package io.behalf.impersonation.confirmation;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Optional;

/** One admin impersonation, the Slack DM that asks the admin about it, and the answer. */
@Entity
public class Confirmation extends PanacheEntityBase {

    @Id
    @Column(name = "impersonation_id")
    public String impersonationId;
    @Column(name = "admin_user_id")
    public String adminUserId;
    @Column(name = "admin_username")
    public String adminUsername;
    @Column(name = "admin_email")
    public String adminEmail;
    @Column(name = "user_id")
    public String userId;
    public String username;
    public String ip;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "stopped_at")
    public Instant stoppedAt;
    @Column(name = "ticket_id")
    public String ticketId;
    @Column(name = "consent_id")
    public String consentId;
    @Column(name = "consent_ticket_id")
    public String consentTicketId;
    @Column(name = "consent_action")
    public String consentAction;
    @Enumerated(EnumType.STRING)
    public ConfirmationState state;
    public Instant deadline;
    /** The admin's Slack user: the only one whose button press counts. */
    @Column(name = "slack_user_id")
    public String slackUserId;
    @Column(name = "slack_channel")
    public String slackChannel;
    @Column(name = "slack_ts")
    public String slackTs;
    /** When the DM was first handed to chat.postMessage; a retry checks the channel before posting again. */
    @Column(name = "dm_posting_since")
    public Instant dmPostingSince;
    @Column(name = "decided_by")
    public String decidedBy;
    @Column(name = "decided_at")
    public Instant decidedAt;
    @Column(name = "created_at")
    public Instant createdAt;
    @Version
    public int version;

    public static Optional<Confirmation> byId(String impersonationId) {
        return findByIdOptional(impersonationId);
    }

    /** Every change of a confirmation happens under this row lock, so an answer and the deadline never interleave. */
    public static Optional<Confirmation> lockById(String impersonationId) {
        return Optional.ofNullable(getEntityManager().find(Confirmation.class, impersonationId,
                LockModeType.PESSIMISTIC_WRITE));
    }
}
