package io.behalf.emailrelease.release;

import io.behalf.emailrelease.consent.ConsentChanged;
import io.behalf.emailrelease.consent.ConsentsChanging;
import io.behalf.emailrelease.consent.ReleaseConsent;
import io.behalf.messaging.TransactionResources;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens and closes releases as their account's consent changes. A grant starts the releases waiting for it;
 * a consent that ends rejects what has not changed GitLab yet (a release already changing GitLab is finished
 * rather than left half-way: the consent was active when it began).
 */
@ApplicationScoped
public class ConsentGate {

    private final ReleaseTransitions transitions;
    private final AccountLock accountLock;
    private final TransactionSynchronizationRegistry transactions;

    public ConsentGate(ReleaseTransitions transitions, AccountLock accountLock,
            TransactionSynchronizationRegistry transactions) {
        this.transitions = transitions;
        this.accountLock = accountLock;
        this.transactions = transactions;
    }

    /**
     * A poll batch's accounts are locked, and their releases that a change can still start or stop read, in one
     * statement each, however many of its consents change; the changes then find them in the transaction.
     */
    void onConsentsChanging(@Observes ConsentsChanging changing) {
        accountLock.lockAll(changing.accountIds());
        Map<String, List<EmailRelease>> read = read();
        changing.accountIds().forEach(account -> read.put(account, new ArrayList<>()));
        EmailRelease.notYetChangingGitLabForUpdate(changing.accountIds())
                .forEach(release -> read.get(release.accountId).add(release));
    }

    void onConsentChanged(@Observes ConsentChanged changed) {
        ReleaseConsent consent = changed.consent();
        accountLock.lock(consent.accountId);
        Instant now = Instant.now();
        if (consent.activeAt(now)) {
            for (EmailRelease release : notYetChangingGitLab(consent.accountId)) {
                if (release.status == ReleaseStatus.AWAITING_CONSENT) {
                    transitions.start(release, consent, now);
                }
            }
        } else if (consent.status.ended()) {
            for (EmailRelease release : notYetChangingGitLab(consent.accountId)) {
                boolean concerned = release.status == ReleaseStatus.AWAITING_CONSENT
                        ? consent.ticketId.equals(release.ticketId)
                        : consent.consentId.equals(release.consentId);
                if (!concerned) {
                    continue;
                }
                var other = ReleaseConsent.activeFor(release.accountId, now);
                if (other.isPresent()) {
                    release.consentId = other.get().consentId;
                } else {
                    transitions.reject(release, RejectionCode.NO_CONSENT,
                            "consent " + consent.consentId + " was " + consent.status.name().toLowerCase());
                }
            }
        }
    }

    /**
     * The account's releases nothing has changed GitLab for yet, oldest first, as the changes before this one in
     * the transaction left them: read once per account and transaction (for the batch's accounts, all in one).
     */
    private List<EmailRelease> notYetChangingGitLab(String accountId) {
        return read().computeIfAbsent(accountId, a -> EmailRelease.notYetChangingGitLabForUpdate(List.of(a)))
                .stream().filter(EmailRelease::notYetChangingGitLab).toList();
    }

    private Map<String, List<EmailRelease>> read() {
        return TransactionResources.getOrCreate(transactions, ConsentGate.class, HashMap::new);
    }
}
