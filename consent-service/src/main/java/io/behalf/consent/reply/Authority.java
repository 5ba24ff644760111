package io.behalf.consent.reply;

import io.behalf.consent.consent.Consent;
import io.behalf.consent.gitlab.GitLab;
import io.behalf.consent.gitlab.Membership;
import io.behalf.consent.ticket.Ticket;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Rule 2: may this author answer this request? The account holder for a user account, an owner or maintainer
 * (GitLab access level 40 or more, inherited memberships included) for a project or group, the ticket's
 * requester for releasing their own address. Membership comes from GitLab; when GitLab cannot answer,
 * {@link io.behalf.consent.gitlab.GitLabUnavailableException} propagates: no answer is never a yes.
 */
@ApplicationScoped
public class Authority {

    /** The role the author answers in, or why they may not. */
    public record Decision(String role, String refusal) {
        static Decision allowed(String role) {
            return new Decision(role, null);
        }

        static Decision refused(String why) {
            return new Decision(null, why);
        }

        public boolean allowed() {
            return role != null;
        }
    }

    private final GitLab gitLab;

    public Authority(GitLab gitLab) {
        this.gitLab = gitLab;
    }

    public Decision of(String authorUserId, Consent consent, Optional<Ticket> ticket) {
        String target = consent.targetKind.name().toLowerCase() + " "
                + (consent.targetPath != null ? consent.targetPath : consent.targetId);
        return switch (consent.granter) {
            case ACCOUNT_HOLDER -> authorUserId.equals(consent.targetId) ? Decision.allowed("ACCOUNT_HOLDER")
                    : Decision.refused("author " + authorUserId + " is not the holder of " + target);
            case TICKET_REQUESTER -> ticket.filter(t -> authorUserId.equals(t.requesterUserId)).isPresent()
                    ? Decision.allowed("TICKET_REQUESTER")
                    : Decision.refused("author " + authorUserId + " is not the requester of ticket " + consent.ticketId);
            case OWNER_OR_MAINTAINER -> {
                Membership m = gitLab.membership(consent.targetKind, consent.targetId, authorUserId);
                yield m.ownerOrMaintainer() ? Decision.allowed(m.role())
                        : Decision.refused("author " + authorUserId + " is not an owner or maintainer of " + target
                                + (m.accessLevel() > 0 ? " (access level " + m.accessLevel() + ")" : ""));
            }
        };
    }
}
