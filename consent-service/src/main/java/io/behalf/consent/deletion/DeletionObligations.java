package io.behalf.consent.deletion;

import io.behalf.consent.consent.Consent;
import io.behalf.consent.consent.ConsentHistory;
import io.behalf.consent.consent.ConsentLifecycle;
import io.behalf.consent.ticket.TicketEventsConsumer.TicketSolvedNotice;
import io.behalf.events.Action;
import io.behalf.events.EventType;
import io.behalf.events.consent.DeletionConfirmed;
import io.behalf.events.consent.DeletionOverdue;
import io.behalf.events.consent.DeletionRequired;
import io.behalf.messaging.Outbox;
import io.behalf.web.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Rule 4: when a ticket is solved, every consent on it that was ever granted for DOWNLOAD_DATA or
 * VIEW_CICD_VARIABLES leaves an obligation to delete what was obtained, due behalf.data.deletion-due later.
 * An engineer attests the deletion; an obligation not attested in time is reported overdue exactly once
 * (claimed with FOR UPDATE SKIP LOCKED, so several instances never report it twice).
 */
@ApplicationScoped
public class DeletionObligations {

    private static final List<Action> LEAVE_DATA = List.of(Action.DOWNLOAD_DATA, Action.VIEW_CICD_VARIABLES);

    private final Outbox outbox;
    private final EntityManager em;
    private final Duration due;

    public DeletionObligations(Outbox outbox, EntityManager em,
            @ConfigProperty(name = "behalf.data.deletion-due") Duration due) {
        this.outbox = outbox;
        this.em = em;
        this.due = due;
    }

    /** After the consents ended (same transaction): a ticket solved twice raises each obligation once. */
    void onTicketSolved(@Observes @Priority(ConsentLifecycle.ENDS_CONSENTS + 10) TicketSolvedNotice solved) {
        List<Consent> granted = Consent.list("ticketId = ?1 and action in ?2 and grantedByUserId is not null "
                + "order by requestedAt", solved.ticketId(), LEAVE_DATA);
        Instant dueAt = Instant.now().plus(due);
        for (Consent consent : granted) {
            if (DeletionObligation.findByIdOptional(consent.id).isPresent()) {
                continue;
            }
            DeletionObligation o = new DeletionObligation();
            o.consentId = consent.id;
            o.ticketId = consent.ticketId;
            o.what = what(consent);
            o.dueAt = dueAt;
            o.persist();
            ConsentHistory.record(consent.id, "DELETION_REQUIRED", null, "due " + dueAt);
            outbox.publish(EventType.DATA_DELETION_REQUIRED, o.ticketId, consent.id.toString(),
                    new DeletionRequired(o.ticketId, consent.id.toString(), o.what, o.dueAt));
        }
    }

    @Transactional
    public DeletionObligation confirm(UUID consentId, String engineer) {
        if (Consent.findById(consentId) == null) {
            throw ProblemException.notFound("consent " + consentId);
        }
        DeletionObligation o = DeletionObligation.lockById(consentId).orElseThrow(() -> ProblemException.conflict(
                "no-deletion-obligation", "consent " + consentId + " has no data to delete (yet): "
                        + "an obligation arises when the ticket of a granted DOWNLOAD_DATA or VIEW_CICD_VARIABLES "
                        + "consent is solved"));
        if (o.confirmedAt != null) {
            throw ProblemException.conflict("deletion-already-confirmed", "deletion for consent " + consentId
                    + " was already confirmed by " + o.confirmedBy + " at " + o.confirmedAt);
        }
        o.confirmedAt = Instant.now();
        o.confirmedBy = engineer;
        ConsentHistory.record(consentId, "DELETION_CONFIRMED", engineer, null);
        outbox.publish(EventType.DATA_DELETION_CONFIRMED, o.ticketId, consentId.toString(),
                new DeletionConfirmed(o.ticketId, consentId.toString(), engineer));
        return o;
    }

    @Scheduled(identity = "consent-deletion-overdue", every = "${behalf.consent.sweep-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        reportOverdue();
    }

    /** Reports each obligation past its due time and not confirmed, once; returns how many were reported. */
    public int reportOverdue() {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<UUID> ids = em.createNativeQuery("""
                    select consent_id from deletion_obligation
                    where confirmed_at is null and overdue_published_at is null and due_at <= now()
                    order by due_at limit 100 for update skip locked""", UUID.class).getResultList();
            for (UUID id : ids) {
                DeletionObligation o = em.find(DeletionObligation.class, id);
                o.overduePublishedAt = Instant.now();
                ConsentHistory.record(id, "DELETION_OVERDUE", null, "was due " + o.dueAt);
                outbox.publish(EventType.DATA_DELETION_OVERDUE, o.ticketId, id.toString(),
                        new DeletionOverdue(o.ticketId, id.toString(), o.dueAt));
            }
            return ids.size();
        });
    }

    private static String what(Consent consent) {
        String on = consent.targetKind.name().toLowerCase() + " "
                + (consent.targetPath != null ? consent.targetPath : consent.targetId);
        String base = consent.action == Action.DOWNLOAD_DATA
                ? "data downloaded from " + on
                : "CI/CD variable values seen or copied from " + on;
        return consent.details == null ? base : base + " (" + consent.details + ")";
    }
}
