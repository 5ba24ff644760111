package io.behalf.consent.ticket;

import io.behalf.consent.Channels;
import io.behalf.consent.reply.Replies;
import io.behalf.events.EventType;
import io.behalf.events.ticket.OwnershipVerified;
import io.behalf.events.ticket.TicketCommentAdded;
import io.behalf.events.ticket.TicketOpened;
import io.behalf.events.ticket.TicketSolved;
import io.behalf.messaging.IdempotentConsumer;
import io.behalf.messaging.InboundEvent;
import io.behalf.messaging.Outbox;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads ticket.events a poll batch at a time; the batch's effects and its ce_ids are committed together (a
 * comment's reply, its consent's grant and the grant's outbox event in one transaction with the others of the
 * poll), so a burst of comments costs one commit, not one each. Consecutive comments are read together, set-wise
 * ({@link Replies#receive}); any other event first lets the comments before it take effect, so a ticket's events
 * still apply in their order.
 */
@ApplicationScoped
public class TicketEventsConsumer {

    private final IdempotentConsumer consumer;
    private final Event<TicketSolvedNotice> solved;
    private final Replies replies;
    private final Outbox outbox;
    private final EntityManager em;

    public TicketEventsConsumer(IdempotentConsumer consumer, Event<TicketSolvedNotice> solved, Replies replies,
            Outbox outbox, EntityManager em) {
        this.consumer = consumer;
        this.solved = solved;
        this.replies = replies;
        this.outbox = outbox;
        this.em = em;
    }

    @Incoming(Channels.TICKET_EVENTS)
    @Blocking
    public void onTicketEvents(ConsumerRecords<String, String> records) {
        consumer.consumeBatch(Channels.TICKET_EVENTS, records, events -> outbox.inOneBatch(() -> apply(events)));
    }

    private void apply(List<InboundEvent> events) {
        List<TicketCommentAdded> comments = new ArrayList<>();
        for (InboundEvent event : events) {
            if (event.eventType() == EventType.TICKET_COMMENT_ADDED) {
                comments.add(event.payload());
                continue;
            }
            receive(comments);
            switch (event.eventType()) {
                case TICKET_OPENED -> opened(event.payload());
                case TICKET_OWNERSHIP_VERIFIED -> verified(event.payload());
                case TICKET_SOLVED -> solved(event.payload());
                default -> event.payload(); // a type of another topic: payload() turns it into a dead letter
            }
            release();
        }
        receive(comments);
    }

    private void receive(List<TicketCommentAdded> comments) {
        if (!comments.isEmpty()) {
            replies.receive(comments);
            comments.clear();
            release();
        }
    }

    /**
     * What was applied so far is written now and let go, so that Hibernate's dirty check before every later query
     * of the batch does not grow with the batch.
     */
    private void release() {
        em.flush();
        em.clear();
    }

    private void opened(TicketOpened opened) {
        Ticket ticket = Ticket.byId(opened.ticketId()).orElseGet(Ticket::new);
        ticket.ticketId = opened.ticketId();
        ticket.requesterUserId = opened.requester().userId();
        ticket.requesterUsername = opened.requester().username();
        ticket.requesterEmail = opened.requester().email();
        ticket.subject = opened.subject();
        ticket.openedAt = opened.openedAt();
        ticket.persist();
    }

    private void verified(OwnershipVerified verified) {
        // the same verification delivered again (another ce_id, e.g. a re-sent webhook) is one fact, kept once
        if (!OwnershipVerification.recorded(verified.ticketId(), verified.accountId())) {
            OwnershipVerification v = new OwnershipVerification();
            v.ticketId = verified.ticketId();
            v.accountId = verified.accountId();
            v.verifiedBy = verified.verifiedBy();
            v.method = verified.method();
            v.verifiedAt = verified.verifiedAt();
            v.persist();
        }
    }

    private void solved(TicketSolved event) {
        Ticket.lockById(event.ticketId()).ifPresent(ticket -> {
            if (ticket.solvedAt == null) {
                ticket.solvedAt = event.solvedAt();
            }
        });
        solved.fire(new TicketSolvedNotice(event.ticketId(), event.solvedAt()));
    }

    /** Fired inside the consuming transaction, so what observers write commits with the ce_id. */
    public record TicketSolvedNotice(String ticketId, java.time.Instant solvedAt) {
    }
}
