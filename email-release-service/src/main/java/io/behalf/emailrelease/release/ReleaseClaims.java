package io.behalf.emailrelease.release;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Claims on IN_PROGRESS releases. A claim is a lease with a token: while it holds, no other instance takes the
 * release; the holder renews it with every step it persists; when the holder dies the lease runs out and the
 * next instance to look claims the release and continues at its persisted step. Claiming skips rows another
 * instance is claiming at the same moment (FOR UPDATE SKIP LOCKED), so two instances never take the same one.
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

    /** Claims up to {@code limit} releases that are due, in one short transaction. */
    @SuppressWarnings("unchecked")
    public List<Claim> claimDue(int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = Instant.now();
            List<String> ids = em.createNativeQuery("""
                    select id from email_release
                    where status = 'IN_PROGRESS' and next_attempt_at <= ?1
                      and (claimed_until is null or claimed_until < ?1)
                    order by next_attempt_at
                    limit ?2
                    for update skip locked""")
                    .setParameter(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                    .setParameter(2, limit)
                    .getResultList();
            List<Claim> claims = new ArrayList<>(ids.size());
            for (String id : ids) {
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
