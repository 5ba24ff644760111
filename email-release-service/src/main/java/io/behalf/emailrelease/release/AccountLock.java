package io.behalf.emailrelease.release;

import io.behalf.messaging.TransactionResources;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hibernate.Session;

/**
 * Serializes, per account, a request being admitted and a consent of that account changing. Without it, a
 * request read "no consent yet" while the grant's transaction, not yet seeing the request, found nothing
 * waiting: both committed and the release waited forever (write skew under READ COMMITTED).
 */
@ApplicationScoped
public class AccountLock {

    private final EntityManager em;
    private final TransactionSynchronizationRegistry transactions;

    public AccountLock(EntityManager em, TransactionSynchronizationRegistry transactions) {
        this.em = em;
        this.transactions = transactions;
    }

    /** Held until the current transaction ends. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lock(String accountId) {
        lockAll(List.of(accountId));
    }

    /**
     * Takes the accounts' locks in one statement, in the order of their keys, so that two transactions taking
     * several never wait on each other in a cycle; an account already locked in this transaction costs nothing.
     * Taken on the session's JDBC connection: as a Hibernate native query it first flushed the session (Hibernate
     * cannot tell which tables a native query reads), which cost more than the lock itself on every consent event
     * (bench/README.md). Nothing this lock guards depends on that flush.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockAll(Collection<String> accountIds) {
        Set<String> held = TransactionResources.getOrCreate(transactions, AccountLock.class, HashSet::new);
        Object[] keys = accountIds.stream().filter(held::add).map(a -> "email-release:" + a).toArray();
        if (keys.length == 0) {
            return;
        }
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    select count(pg_advisory_xact_lock(k))
                    from (select distinct hashtext(t) as k from unnest(?::text[]) as t order by k) as keys""")) {
                s.setArray(1, c.createArrayOf("text", keys));
                s.executeQuery().close();
            }
        });
    }
}
