package io.behalf.consent.consent;

import io.behalf.consent.gitlab.GitLab;
import io.behalf.consent.gitlab.GitLabAccount;
import io.behalf.consent.gitlab.GitLabUnavailableException;
import io.behalf.consent.ticket.OwnershipVerification;
import io.behalf.consent.ticket.Ticket;
import io.behalf.events.Action;
import io.behalf.events.EventType;
import io.behalf.events.Target;
import io.behalf.events.TargetKind;
import io.behalf.events.consent.ConsentRequested;
import io.behalf.events.consent.Granter;
import io.behalf.messaging.Outbox;
import io.behalf.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.UUID;

/**
 * Asks for permission: checks that the request may be made at all (the action fits the target, the ticket is
 * open, rule 3 for accounts), decides who may grant it (rule 2), renders the question and publishes it.
 */
@ApplicationScoped
public class ConsentRequests {

    private final Outbox outbox;
    private final GitLab gitLab;
    private final ConsentSettings settings;

    public ConsentRequests(Outbox outbox, GitLab gitLab, ConsentSettings settings) {
        this.outbox = outbox;
        this.gitLab = gitLab;
        this.settings = settings;
    }

    @Transactional
    public Consent request(String ticketId, Action action, Target target, String details, String engineer) {
        if (!PermissionQuestion.fits(action, target.kind())) {
            throw ProblemException.unprocessable("action-target-mismatch",
                    action + " cannot be taken on a " + target.kind());
        }
        requireDetails(action, details);
        // GitLab is asked before the ticket is locked: a slow GitLab must not hold up the ticket's solve
        GitLabAccount account = target.kind() == TargetKind.USER ? account(target) : null;
        Ticket ticket = Ticket.lockById(ticketId).orElseThrow(() -> ProblemException.unprocessable("unknown-ticket",
                "ticket " + ticketId + " has not been opened in the ticketing system"));
        if (ticket.isSolved()) {
            throw ProblemException.conflict("ticket-solved", "ticket " + ticketId + " is solved: no new consents");
        }
        // find, not count: Hibernate plans a count query anew on every call, a find's plan is cached
        if (Consent.find("ticketId = ?1 and action = ?2 and targetKind = ?3 and targetId = ?4 and status in ?5",
                ticketId, action, target.kind(), target.id(),
                java.util.List.of(ConsentStatus.PENDING, ConsentStatus.GRANTED)).firstResultOptional().isPresent()) {
            throw ProblemException.conflict("consent-already-open", "ticket " + ticketId + " already has an open "
                    + action + " consent for " + target.kind() + " " + target.id());
        }
        if (account != null) {
            requireAccountRule(ticketId, action, account);
        }

        Consent consent = new Consent();
        consent.id = UUID.randomUUID();
        consent.ticketId = ticketId;
        consent.action = action;
        consent.targetKind = target.kind();
        consent.targetId = target.id();
        consent.targetPath = target.path();
        consent.details = details == null || details.isBlank() ? null : details.strip();
        consent.requestedBy = engineer;
        consent.granter = granter(action, target, consent.details, ticket);
        consent.message = PermissionQuestion.render(action, target, consent.details);
        consent.status = ConsentStatus.PENDING;
        consent.requestedAt = Instant.now();
        consent.expiresAt = consent.requestedAt.plus(settings.pendingTtl());
        consent.persist();
        ConsentHistory.record(consent.id, "REQUESTED", engineer, consent.granter.name());
        outbox.publish(EventType.CONSENT_REQUESTED, consent.ticketId, consent.id.toString(),
                new ConsentRequested(consent.id.toString(), consent.ticketId, consent.action, consent.target(),
                        consent.details, consent.requestedBy, consent.granter, consent.message, consent.expiresAt));
        return consent;
    }

    private static void requireDetails(Action action, String details) {
        boolean blank = details == null || details.isBlank();
        switch (action) {
            case OTHER -> {
                if (blank) {
                    throw ProblemException.unprocessable("details-required",
                            "action OTHER needs details saying what Support will do");
                }
            }
            case CHANGE_ACCOUNT_EMAIL, EMAIL_TYPO_FIX -> {
                if (PermissionQuestion.emailIn(details).isEmpty()) {
                    throw ProblemException.unprocessable("details-required",
                            action + " needs details naming the new email address");
                }
            }
            case RELEASE_EMAIL -> {
                if (PermissionQuestion.emailIn(details).isEmpty()) {
                    throw ProblemException.unprocessable("details-required",
                            "RELEASE_EMAIL needs details naming the address to release");
                }
            }
            default -> {
            }
        }
    }

    /** Rule 3, read from GitLab: confirmed accounts need a verified owner first; unconfirmed ones only a typo fix. */
    private GitLabAccount account(Target target) {
        try {
            return gitLab.account(target.id()).orElseThrow(() -> ProblemException.unprocessable("unknown-account",
                    "GitLab has no user " + target.id()));
        } catch (GitLabUnavailableException e) {
            throw new ProblemException(Response.Status.SERVICE_UNAVAILABLE, "gitlab-unavailable",
                    "cannot read account " + target.id() + " from GitLab; try again shortly");
        }
    }

    private static void requireAccountRule(String ticketId, Action action, GitLabAccount account) {
        Target target = new Target(TargetKind.USER, account.id(), null);
        if (!account.confirmed()) {
            if (action != Action.EMAIL_TYPO_FIX) {
                throw ProblemException.unprocessable("unconfirmed-account", "account " + target.id()
                        + " is unconfirmed: the only action Support takes on it is EMAIL_TYPO_FIX");
            }
        } else if (!OwnershipVerification.recorded(ticketId, target.id())) {
            throw ProblemException.conflict("ownership-verification-required", "account " + target.id()
                    + " is confirmed: verify its owner on ticket " + ticketId + " before asking for " + action);
        }
    }

    /** Rule 2: who may answer. Releasing the requester's own address is theirs to allow. */
    static Granter granter(Action action, Target target, String details, Ticket ticket) {
        if (target.kind() != TargetKind.USER) {
            return Granter.OWNER_OR_MAINTAINER;
        }
        if (action == Action.RELEASE_EMAIL && ticket.requesterEmail != null
                && PermissionQuestion.emailIn(details).map(a -> a.equalsIgnoreCase(ticket.requesterEmail)).orElse(false)) {
            return Granter.TICKET_REQUESTER;
        }
        return Granter.ACCOUNT_HOLDER;
    }
}
