package io.behalf.emailrelease.release;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import org.hibernate.Session;

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

    /**
     * Held until the current transaction ends. Taken on the session's JDBC connection: as a Hibernate native query
     * it first flushed the session (Hibernate cannot tell which tables a native query reads), which cost more than
     * the lock itself on every consent event (bench/README.md). Nothing this lock guards depends on that flush.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lock(String accountId) {
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement s = c.prepareStatement("select pg_advisory_xact_lock(hashtext(?))")) {
                s.setString(1, "email-release:" + accountId);
                s.executeQuery().close();
            }
        });
    }
}
