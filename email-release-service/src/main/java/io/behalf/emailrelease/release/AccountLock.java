package io.behalf.emailrelease.release;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Serializes, per account, a request being admitted and a consent of that account changing. Without it, a
 * request read "no consent yet" while the grant's transaction, not yet seeing the request, found nothing
 * waiting: both committed and the release waited forever (write skew under READ COMMITTED).
 */
@ApplicationScoped
public class AccountLock {

    private final EntityManager em;

    public AccountLock(EntityManager em) {
        this.em = em;
    }

    /** Held until the current transaction ends. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lock(String accountId) {
        em.createNativeQuery("select pg_advisory_xact_lock(hashtext(?1))")
                .setParameter(1, "email-release:" + accountId)
                .getSingleResult();
    }
}
