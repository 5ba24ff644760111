package io.behalf.emailrelease.release;

import io.behalf.emailrelease.consent.ReleaseConsent;
import io.behalf.emailrelease.gitlab.GitLabClient;
import io.behalf.emailrelease.gitlab.GitLabException;
import io.behalf.events.emailrelease.EmailKind;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Runs a claimed release's GitLab steps, each outside any database transaction, persisting the step reached
 * after each (see {@link ReleaseStep}). Every step is safe to repeat: a crash after GitLab did a step but before
 * it was persisted only makes the next claimant repeat it, and the repeat finds the work done.
 */
@ApplicationScoped
public class ReleaseProcess {

    private static final Logger LOG = Logger.getLogger(ReleaseProcess.class);

    private final ReleaseClaims claims;
    private final ReleaseTransitions transitions;
    private final Eligibility eligibility;
    private final GitLabClient gitlab;
    private final ReleaseConfig config;

    public ReleaseProcess(ReleaseClaims claims, ReleaseTransitions transitions, Eligibility eligibility,
            GitLabClient gitlab, ReleaseConfig config) {
        this.claims = claims;
        this.transitions = transitions;
        this.eligibility = eligibility;
        this.gitlab = gitlab;
        this.config = config;
    }

    /** Runs steps until the release is finished, must wait for a retry, or is no longer ours. */
    public void run(ReleaseClaims.Claim claim) {
        try {
            Optional<EmailRelease> current;
            while ((current = claims.read(claim)).isPresent()) {
                if (!step(claim, current.get())) {
                    return;
                }
            }
        } catch (GitLabException e) {
            if (e.retryable()) {
                LOG.warnf("release %s waits for GitLab: %s", claim.releaseId(), e.getMessage());
                claims.retryLater(claim, e.getMessage());
            } else {
                claims.update(claim, release -> transitions.reject(release, RejectionCode.GITLAB_ERROR,
                        e.getMessage() + describeStep(release)));
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "release %s failed unexpectedly; it will be retried", claim.releaseId());
            claims.retryLater(claim, e.toString());
        }
    }

    /** Does the release's current step; false when the claim no longer holds. */
    private boolean step(ReleaseClaims.Claim claim, EmailRelease release) {
        return switch (release.step) {
            case CHECK_ELIGIBILITY -> checkEligibility(claim, release);
            case ADD_RELEASE_ADDRESS -> addReleaseAddress(claim, release);
            case SWITCH_PRIMARY -> {
                gitlab.setPrimaryEmail(release.accountId, release.newEmail);
                yield claims.update(claim, r -> r.step = ReleaseStep.REMOVE_OLD_ADDRESS);
            }
            case REMOVE_OLD_ADDRESS -> {
                gitlab.emails(release.accountId).stream()
                        .filter(e -> release.email.equalsIgnoreCase(e.email()))
                        .forEach(e -> gitlab.deleteEmail(release.accountId, e.id()));
                yield claims.update(claim, transitions::complete);
            }
        };
    }

    private boolean checkEligibility(ReleaseClaims.Claim claim, EmailRelease release) {
        Optional<ReleaseAddress.Refused> refused = eligibility.check(release);
        return claims.update(claim, r -> {
            if (refused.isPresent()) {
                transitions.reject(r, refused.get().code(), refused.get().detail());
                return;
            }
            // the last moment to stop: from the next step on GitLab is changed and the release is finished
            Optional<ReleaseConsent> consent = ReleaseConsent.activeFor(r.accountId, Instant.now());
            if (consent.isEmpty()) {
                transitions.reject(r, RejectionCode.NO_CONSENT, "no active consent for account " + r.accountId);
                return;
            }
            r.consentId = consent.get().consentId;
            ReleaseAddress.Result address = ReleaseAddress.of(r.email, r.releaseSuffix);
            if (address instanceof ReleaseAddress.Released released) {
                r.newEmail = released.address();
                r.step = ReleaseStep.ADD_RELEASE_ADDRESS;
            } else if (address instanceof ReleaseAddress.Refused no) {
                transitions.reject(r, no.code(), no.detail());
            }
        });
    }

    private boolean addReleaseAddress(ReleaseClaims.Claim claim, EmailRelease release) {
        GitLabClient.AddResult added = gitlab.addEmail(release.accountId, release.newEmail);
        boolean ours = added == GitLabClient.AddResult.ADDED
                // taken: by this account when an earlier attempt added it before a crash, else by another
                || gitlab.emails(release.accountId).stream().anyMatch(e -> release.newEmail.equalsIgnoreCase(e.email()));
        return claims.update(claim, r -> {
            if (ours) {
                r.step = r.emailKind == EmailKind.PRIMARY ? ReleaseStep.SWITCH_PRIMARY : ReleaseStep.REMOVE_OLD_ADDRESS;
                return;
            }
            if (r.releaseSuffix >= config.maxReleaseSuffix()) {
                transitions.reject(r, RejectionCode.RELEASE_ADDRESS_TAKEN, "every release address up to "
                        + r.newEmail + " is taken on GitLab");
                return;
            }
            r.releaseSuffix++;
            ReleaseAddress.Result address = ReleaseAddress.of(r.email, r.releaseSuffix);
            if (address instanceof ReleaseAddress.Released released) {
                r.newEmail = released.address();
            } else if (address instanceof ReleaseAddress.Refused no) {
                transitions.reject(r, no.code(), no.detail());
            }
        });
    }

    private static String describeStep(EmailRelease release) {
        return release.step == null ? "" : " (at step " + release.step + ")";
    }
}
