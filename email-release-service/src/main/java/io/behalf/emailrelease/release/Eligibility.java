package io.behalf.emailrelease.release;

import io.behalf.emailrelease.gitlab.GitLabClient;
import io.behalf.events.emailrelease.EmailKind;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Rule 6, read from GitLab: only an account with no activity in its history; a primary address only on a paid
 * plan; and the address must be on the account, as the kind the request names. Read-only.
 */
@ApplicationScoped
public class Eligibility {

    /** GitLab.com's unpaid plans; self-managed instances report "default". Trials are not paid either. */
    private static final Set<String> UNPAID_PLANS = Set.of("free", "default");

    private final GitLabClient gitlab;

    public Eligibility(GitLabClient gitlab) {
        this.gitlab = gitlab;
    }

    /** Empty when the release may go ahead; otherwise why not. */
    public Optional<ReleaseAddress.Refused> check(EmailRelease release) {
        GitLabClient.User user = gitlab.user(release.accountId);
        if (release.emailKind == EmailKind.PRIMARY && !release.email.equalsIgnoreCase(nullToEmpty(user.email()))) {
            return refuse(RejectionCode.EMAIL_NOT_ON_ACCOUNT,
                    release.email + " is not the primary address of account " + release.accountId);
        }
        if (user.lastActivityOn() != null) {
            return refuse(RejectionCode.ACCOUNT_HAS_ACTIVITY,
                    "account " + release.accountId + " was last active on " + user.lastActivityOn());
        }
        if (gitlab.hasEvents(release.accountId)) {
            return refuse(RejectionCode.ACCOUNT_HAS_ACTIVITY,
                    "account " + release.accountId + " has events in its history");
        }
        if (release.emailKind == EmailKind.PRIMARY) {
            String namespace = user.namespaceId() != null ? user.namespaceId() : user.username();
            String plan = gitlab.namespacePlan(namespace);
            if (!paid(plan)) {
                return refuse(RejectionCode.PRIMARY_REQUIRES_PAID_PLAN,
                        "namespace " + namespace + " is on plan " + (plan == null ? "(none)" : plan));
            }
        } else if (gitlab.emails(release.accountId).stream().noneMatch(e -> release.email.equalsIgnoreCase(e.email()))) {
            return refuse(RejectionCode.EMAIL_NOT_ON_ACCOUNT,
                    release.email + " is not a secondary address of account " + release.accountId);
        }
        return Optional.empty();
    }

    static boolean paid(String plan) {
        if (plan == null || plan.isBlank()) {
            return false;
        }
        String p = plan.toLowerCase(Locale.ROOT);
        return !UNPAID_PLANS.contains(p) && !p.endsWith("_trial");
    }

    private static Optional<ReleaseAddress.Refused> refuse(RejectionCode code, String detail) {
        return Optional.of(new ReleaseAddress.Refused(code, detail));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
