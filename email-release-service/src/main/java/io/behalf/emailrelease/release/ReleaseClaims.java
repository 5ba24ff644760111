package io.behalf.emailrelease.release;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Claims on IN_PROGRESS releases. A claim is a lease with a token: while it holds, no other instance takes the
 * release; the holder renews it with every step it persists; when the holder dies the lease runs out and the
 * next instance to look claims the release and continues at its persisted step. Claiming skips rows another
 * instance is claiming at the same moment (FOR UPDATE SKIP LOCKED), so two instances never take the same one, and
 * takes no release of an account that has one claimed already.
 */
@ApplicationScoped
public class ReleaseClaims {

    public record Claim(String releaseId, UUID token) {
    }

    private final EntityManager em;
    private final ReleaseConfig config;

    public ReleaseClaims(EntityManager em, ReleaseConfig config) {
        this.em = em;
        this.config = config;
    }

    /**
     * Claims up to {@code limit} releases that are due, in one short transaction: at most one per account, and
     * none of an account that has a release claimed already (here or on another instance), so that an account's
     * releases are worked one after the other, as GitLab changes to one user should be. Claims are taken one
     * claimant at a time (a transaction-scoped advisory lock, held for the few milliseconds of the claim), so that
     * two claimants never both see an account as free.
     */
    @SuppressWarnings("unchecked")
    public List<Claim> claimDue(int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            em.createNativeQuery("select pg_advisory_xact_lock(hashtext('email_release'), 1)").getSingleResult();
            // read after the lock: this statement sees every claim committed before it
            Instant now = Instant.now();
            OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
            List<Object[]> due = em.createNativeQuery("""
                    select r.id, r.account_id from email_release r
                    where r.status = 'IN_PROGRESS' and r.next_attempt_at <= ?1
                      and (r.claimed_until is null or r.claimed_until < ?1)
                      and not exists (select 1 from email_release o
                                      where o.account_id = r.account_id and o.id <> r.id
                                        and o.status = 'IN_PROGRESS' and o.claimed_until >= ?1)
                    order by r.next_attempt_at
                    limit ?2
                    for update of r skip locked""")
                    .setParameter(1, at)
                    .setParameter(2, limit)
                    .getResultList();
            List<Claim> claims = new ArrayList<>(due.size());
            Set<String> accounts = new HashSet<>();
            for (Object[] row : due) {
                String id = (String) row[0];
                if (!accounts.add((String) row[1])) {
                    continue; // the account's next release waits for this one
                }
                EmailRelease release = em.find(EmailRelease.class, id);
                release.claimToken = UUID.randomUUID();
                release.claimedUntil = now.plus(config.lease());
                claims.add(new Claim(id, release.claimToken));
            }
            return claims;
        });
    }

    /** A copy of the release as it is now, if the claim still holds. */
    public Optional<EmailRelease> read(Claim claim) {
        return QuarkusTransaction.requiringNew().call(() -> {
            EmailRelease release = em.find(EmailRelease.class, claim.releaseId());
            if (release == null || !release.claimedBy(claim.token())) {
                return Optional.<EmailRelease>empty();
            }
            em.detach(release);
            return Optional.of(release);
        });
    }

    /**
     * Applies {@code change} to the locked release in one transaction, if the claim still holds (the release
     * may meanwhile have been rejected, or the lease lost to another instance): returns whether it did. The
     * lease is renewed with it.
     */
    public boolean update(Claim claim, Consumer<EmailRelease> change) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Optional<EmailRelease> locked = EmailRelease.lockById(claim.releaseId());
            if (locked.isEmpty() || !locked.get().claimedBy(claim.token())) {
                return false;
            }
            EmailRelease release = locked.get();
            Instant now = Instant.now();
            release.claimedUntil = now.plus(config.lease());
            release.updatedAt = now;
            change.accept(release);
            return true;
        });
    }

    /** Gives the release back for a later attempt, after a pause that doubles with each failed attempt. */
    public void retryLater(Claim claim, String error) {
        update(claim, release -> {
            release.attempts++;
            release.lastError = error.length() > 1000 ? error.substring(0, 1000) : error;
            long factor = 1L << Math.min(release.attempts - 1, 20);
            var pause = config.retryBackoff().multipliedBy(factor);
            if (pause.compareTo(config.maxRetryBackoff()) > 0) {
                pause = config.maxRetryBackoff();
            }
            release.nextAttemptAt = Instant.now().plus(pause);
            release.claimToken = null;
            release.claimedUntil = null;
        });
    }
}
