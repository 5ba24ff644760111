package io.behalf.consent.consent;

import io.behalf.events.consent.ExpiryReason;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.UUID;

/**
 * Rule 5 in time: pending requests end after behalf.consent.pending-ttl, grants after behalf.consent.grant-ttl.
 * Every instance sweeps; rows are claimed with FOR UPDATE SKIP LOCKED and re-checked under the lock, so with any
 * number of instances each consent expires, and publishes its event, exactly once.
 */
@ApplicationScoped
public class ConsentDeadlines {

    private static final int BATCH = 100;

    private final EntityManager em;
    private final ConsentLifecycle lifecycle;

    public ConsentDeadlines(EntityManager em, ConsentLifecycle lifecycle) {
        this.em = em;
        this.lifecycle = lifecycle;
    }

    @Scheduled(identity = "consent-deadlines", every = "${behalf.consent.sweep-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        sweep();
    }

    /** Ends what is due now; returns how many consents ended. Also the on-demand trigger tests use. */
    public int sweep() {
        int ended = 0;
        int batch;
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> expireDue("""
                    select id from consent where status = 'PENDING' and expires_at <= now()
                    order by expires_at limit ?1 for update skip locked"""));
            ended += batch;
        } while (batch == BATCH);
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> expireDue("""
                    select id from consent where status = 'GRANTED' and valid_until <= now()
                    order by valid_until limit ?1 for update skip locked"""));
            ended += batch;
        } while (batch == BATCH);
        return ended;
    }

    private int expireDue(String claim) {
        @SuppressWarnings("unchecked")
        List<UUID> ids = em.createNativeQuery(claim, UUID.class).setParameter(1, BATCH).getResultList();
        for (UUID id : ids) {
            // the row is locked by this transaction; find() reads the state the claim saw
            lifecycle.expire(em.find(Consent.class, id), ExpiryReason.TTL);
        }
        return ids.size();
    }
}
