package io.behalf.emailrelease.release;

import io.behalf.emailrelease.consent.ConsentChanged;
import io.behalf.emailrelease.consent.ConsentsChanging;
import io.behalf.emailrelease.consent.ReleaseConsent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;

/**
 * Opens and closes releases as their account's consent changes. A grant starts the releases waiting for it;
 * a consent that ends rejects what has not changed GitLab yet (a release already changing GitLab is finished
 * rather than left half-way: the consent was active when it began).
 */
@ApplicationScoped
public class ConsentGate {

    private final ReleaseTransitions transitions;
    private final AccountLock accountLock;

    public ConsentGate(ReleaseTransitions transitions, AccountLock accountLock) {
        this.transitions = transitions;
        this.accountLock = accountLock;
    }

    void onConsentsChanging(@Observes ConsentsChanging changing) {
        accountLock.lockAll(changing.accountIds());
    }

    void onConsentChanged(@Observes ConsentChanged changed) {
        ReleaseConsent consent = changed.consent();
        accountLock.lock(consent.accountId);
        Instant now = Instant.now();
        if (consent.activeAt(now)) {
            for (EmailRelease release : EmailRelease.awaitingConsentForUpdate(consent.accountId)) {
                transitions.start(release, consent, now);
            }
        } else if (consent.status.ended()) {
            for (EmailRelease release : EmailRelease.notYetChangingGitLabForUpdate(consent.accountId)) {
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
}
