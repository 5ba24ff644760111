package io.behalf.impersonation.confirmation;

import io.behalf.events.EventType;
import io.behalf.events.impersonation.ImpersonationUnconfirmed;
import io.behalf.impersonation.slack.SlackTask.Kind;
import io.behalf.impersonation.slack.SlackTasks;
import io.behalf.messaging.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Escalates confirmations nobody answered in time. The claim is one UPDATE over rows picked with
 * FOR UPDATE SKIP LOCKED, in the same transaction as the outbox event and the security-alert task: with any
 * number of instances each overdue confirmation is escalated exactly once, and never after an answer.
 */
@ApplicationScoped
public class Deadlines {

    private static final int BATCH = 50;

    private final EntityManager em;
    private final Outbox outbox;
    private final SlackTasks slackTasks;

    public Deadlines(EntityManager em, Outbox outbox, SlackTasks slackTasks) {
        this.em = em;
        this.outbox = outbox;
        this.slackTasks = slackTasks;
    }

    @Scheduled(identity = "behalf-impersonation-deadlines", every = "${behalf.impersonation.deadline-poll}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        while (escalateOverdue() == BATCH) {
            // a full batch: there may be more
        }
    }

    /** Claims and escalates up to one batch of overdue confirmations; returns how many this call escalated. */
    public int escalateOverdue() {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> claimed = em.createNativeQuery("""
                    update confirmation set state = 'UNCONFIRMED', decided_at = now(), version = version + 1
                    where impersonation_id in (
                        select impersonation_id from confirmation
                        where state = 'AWAITING_ANSWER' and deadline <= now()
                        order by deadline limit ?1 for update skip locked)
                    returning impersonation_id, user_id, deadline""")
                    .setParameter(1, BATCH)
                    .getResultList();
            for (Object[] row : claimed) {
                String id = (String) row[0];
                Instant deadline = instant(row[2]);
                ConfirmationHistory.record(id, "UNCONFIRMED", null, "no answer by " + deadline);
                outbox.publish(EventType.IMPERSONATION_UNCONFIRMED, (String) row[1], id,
                        new ImpersonationUnconfirmed(id, deadline));
                slackTasks.schedule(id, Kind.MESSAGE_UPDATE, "UNCONFIRMED");
                slackTasks.schedule(id, Kind.SECURITY_ALERT, "UNCONFIRMED");
            }
            return claimed.size();
        });
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }
}
