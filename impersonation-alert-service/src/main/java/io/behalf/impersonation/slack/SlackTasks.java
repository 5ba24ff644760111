package io.behalf.impersonation.slack;

import io.behalf.impersonation.slack.SlackTask.Kind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

/**
 * Schedules a Slack call in the caller's transaction, the way the Outbox schedules an event: the call is made
 * only if the decision that needs it commits, and it is made once per (impersonation, kind, reason).
 */
@ApplicationScoped
public class SlackTasks {

    private final EntityManager em;
    private final TransactionSynchronizationRegistry transactions;
    private final Instance<SlackTaskWorker> worker;

    public SlackTasks(EntityManager em, TransactionSynchronizationRegistry transactions, Instance<SlackTaskWorker> worker) {
        this.em = em;
        this.transactions = transactions;
        this.worker = worker;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void schedule(String impersonationId, Kind kind, String reason) {
        em.flush(); // the confirmation row this task references may not be written yet
        em.createNativeQuery("""
                insert into slack_task (impersonation_id, kind, reason, status, next_attempt_at)
                values (?1, ?2, ?3, 'PENDING', now())
                on conflict (impersonation_id, kind, reason) do nothing""")
                .setParameter(1, impersonationId)
                .setParameter(2, kind.name())
                .setParameter(3, reason)
                .executeUpdate();
        if (transactions.getResource(SlackTasks.class) == null) {
            transactions.putResource(SlackTasks.class, Boolean.TRUE);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        worker.get().nudge();
                    }
                }
            });
        }
    }
}
