package io.behalf.consent.ticket;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.time.Instant;
import java.util.Optional;

/** A support ticket as the ticketing system reported it; its requester is a GitLab identity. */
@Entity
public class Ticket extends PanacheEntityBase {

    @Id
    @Column(name = "ticket_id")
    public String ticketId;
    @Column(name = "requester_user_id")
    public String requesterUserId;
    @Column(name = "requester_username")
    public String requesterUsername;
    @Column(name = "requester_email")
    public String requesterEmail;
    public String subject;
    @Column(name = "opened_at")
    public Instant openedAt;
    @Column(name = "solved_at")
    public Instant solvedAt;

    public static Optional<Ticket> byId(String ticketId) {
        return findByIdOptional(ticketId);
    }

    /**
     * Locks the ticket's row. Asking for a consent and solving the ticket both take it, so a request can never
     * slip in beside a solve and stay open on a solved ticket.
     */
    public static Optional<Ticket> lockById(String ticketId) {
        return Optional.ofNullable(getEntityManager().find(Ticket.class, ticketId,
                jakarta.persistence.LockModeType.PESSIMISTIC_WRITE));
    }

    public boolean isSolved() {
        return solvedAt != null;
    }
}
