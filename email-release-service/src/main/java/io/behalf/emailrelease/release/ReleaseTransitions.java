package io.behalf.emailrelease.release;

import io.behalf.emailrelease.consent.ReleaseConsent;
import io.behalf.events.EventType;
import io.behalf.events.emailrelease.EmailReleaseCompleted;
import io.behalf.events.emailrelease.EmailReleaseRejected;
import io.behalf.messaging.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The state changes of a release. Each runs in the caller's transaction with the row locked, and an outcome's
 * event goes through the outbox in that same transaction: a release is completed or rejected once, and its
 * event is published once.
 */
@ApplicationScoped
public class ReleaseTransitions {

    private static final Logger LOG = Logger.getLogger(ReleaseTransitions.class);

    private final Outbox outbox;
    private final ReleaseWorker worker;
    private final TransactionSynchronizationRegistry transactions;
    private final AccountLock accountLock;

    public ReleaseTransitions(Outbox outbox, ReleaseWorker worker, TransactionSynchronizationRegistry transactions,
            AccountLock accountLock) {
        this.outbox = outbox;
        this.accountLock = accountLock;
        this.worker = worker;
        this.transactions = transactions;
    }

    /**
     * A request event arrived: refuse what can never be released, start when a consent is active, reject when
     * this ticket's consent for the account already ended, otherwise wait for the consent.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void admit(EmailRelease release, Instant now) {
        if (ReleaseAddress.of(release.email, 1) instanceof ReleaseAddress.Refused refused) {
            reject(release, refused.code(), refused.detail());
            return;
        }
        accountLock.lock(release.accountId);
        var active = ReleaseConsent.activeFor(release.accountId, now);
        if (active.isPresent()) {
            start(release, active.get(), now);
            return;
        }
        var latest = ReleaseConsent.latestOnTicket(release.accountId, release.ticketId);
        if (latest.isPresent() && latest.get().status.ended()) {
            reject(release, RejectionCode.NO_CONSENT, "consent " + latest.get().consentId + " was "
                    + latest.get().status.name().toLowerCase());
            return;
        }
        release.status = ReleaseStatus.AWAITING_CONSENT;
        release.updatedAt = now;
    }

    /** Hands the release to the worker: it becomes due now, and the worker is woken once this commits. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void start(EmailRelease release, ReleaseConsent consent, Instant now) {
        release.status = ReleaseStatus.IN_PROGRESS;
        release.step = ReleaseStep.CHECK_ELIGIBILITY;
        release.consentId = consent.consentId;
        release.nextAttemptAt = now;
        release.updatedAt = now;
        wakeWorkerAfterCommit();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void reject(EmailRelease release, RejectionCode code, String detail) {
        if (release.status.finished()) {
            return;
        }
        LOG.infof("release %s rejected: %s %s", release.id, code, detail);
        release.status = ReleaseStatus.REJECTED;
        release.code = code.name();
        release.detail = detail;
        finish(release);
        outbox.publish(EventType.EMAIL_RELEASE_REJECTED, release.accountId, release.id,
                new EmailReleaseRejected(release.id, release.ticketId, release.accountId, code.name(), detail));
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void complete(EmailRelease release) {
        if (release.status.finished()) {
            return;
        }
        LOG.infof("release %s completed: %s on account %s", release.id, release.newEmail, release.accountId);
        release.status = ReleaseStatus.COMPLETED;
        finish(release);
        outbox.publish(EventType.EMAIL_RELEASE_COMPLETED, release.accountId, release.id,
                new EmailReleaseCompleted(release.id, release.ticketId, release.accountId, release.email,
                        release.newEmail, release.emailKind, release.consentId));
    }

    private static void finish(EmailRelease release) {
        release.step = null;
        release.claimToken = null;
        release.claimedUntil = null;
        release.nextAttemptAt = null;
        release.finishedAt = Instant.now();
        release.updatedAt = release.finishedAt;
    }

    private void wakeWorkerAfterCommit() {
        if (transactions.getResource(ReleaseTransitions.class) == null) {
            transactions.putResource(ReleaseTransitions.class, Boolean.TRUE);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        worker.nudge();
                    }
                }
            });
        }
    }
}
