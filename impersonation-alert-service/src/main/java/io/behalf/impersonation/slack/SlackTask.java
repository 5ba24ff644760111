package io.behalf.impersonation.slack;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** A Slack call still to make (or made): see the slack_task table. */
@Entity
@Table(name = "slack_task")
public class SlackTask extends PanacheEntityBase {

    public enum Kind { DIRECT_MESSAGE, MESSAGE_UPDATE, SECURITY_ALERT }

    public static final String PENDING = "PENDING";
    public static final String DONE = "DONE";
    /** The retry budget is spent or retrying cannot help. */
    public static final String FAILED = "FAILED";
    /** No longer needed (the DM would come after the decision; nothing was posted that could be updated). */
    public static final String CANCELLED = "CANCELLED";

    @Id
    public Long id;
    @Column(name = "impersonation_id")
    public String impersonationId;
    public String kind;
    public String reason;
    public String status;
    public int attempts;
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;
    @Column(name = "lease_until")
    public Instant leaseUntil;
    @Column(name = "last_error")
    public String lastError;
    @Column(name = "result_ts")
    public String resultTs;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "done_at")
    public Instant doneAt;

    public Kind kindOf() {
        return Kind.valueOf(kind);
    }

    public static List<SlackTask> of(String impersonationId) {
        return list("impersonationId = ?1 order by id", impersonationId);
    }
}
