package io.behalf.consent.reply;

import io.behalf.consent.consent.Consent;
import io.behalf.consent.consent.ConsentLifecycle;
import io.behalf.consent.consent.ConsentSettings;
import io.behalf.consent.consent.ConsentStatus;
import io.behalf.consent.gitlab.GitLabUnavailableException;
import io.behalf.consent.reply.Authority.Decision;
import io.behalf.consent.reply.ReplyMatcher.Reading;
import io.behalf.consent.ticket.Ticket;
import io.behalf.events.consent.GrantedBy;
import io.behalf.events.ticket.TicketCommentAdded;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * Reads ticket comments against the ticket's pending permission requests (rules 1 and 2).
 * <p>
 * A comment is stored first, in the consuming transaction, then read at once. When GitLab cannot say whether its
 * author may answer, the comment stays PENDING and is read again later with a doubling, capped wait, for as long
 * as GitLab is down: the Kafka record is still acknowledged, so a long outage neither blocks the partition nor
 * dead-letters a legitimate grant, and nothing is granted on a failed check. The comments of one ticket are read
 * one after the other in arrival order, under a per-ticket advisory lock, so two instances never read the same
 * comment and a later comment never overtakes an earlier one. A consumer's poll batch is read set-wise: the
 * statements a comment needs are made once for all the batch's tickets, which is what a comment cost.
 */
@ApplicationScoped
public class Replies {

    private static final Logger LOG = Logger.getLogger(Replies.class);
    /** Advisory-lock namespace for reading one ticket's replies; the second key is hashtext(ticket_id). */
    private static final int REPLY_LOCK = 0x0C0A;

    private final EntityManager em;
    private final Authority authority;
    private final ConsentLifecycle lifecycle;
    private final ConsentSettings settings;

    public Replies(EntityManager em, Authority authority, ConsentLifecycle lifecycle, ConsentSettings settings) {
        this.em = em;
        this.authority = authority;
        this.settings = settings;
        this.lifecycle = lifecycle;
    }

    /**
     * Comments from ticket.events, inside the consuming transaction, in the order they arrived (a ticket's
     * comments share a partition). A comment delivered again is read once. However many comments and tickets the
     * batch holds, it costs one statement for the locks, one for the waiting and already stored replies, and one
     * for the open requests with their tickets; a new comment is read before it is stored, so it is inserted once,
     * already read, and the inserts go out as a JDBC batch.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void receive(List<TicketCommentAdded> comments) {
        if (comments.isEmpty()) {
            return;
        }
        List<String> tickets = comments.stream().map(TicketCommentAdded::ticketId).distinct().toList();
        lockTickets(tickets);
        Set<CommentKey> known = new HashSet<>();
        Map<String, List<TicketReply>> waiting = waiting(tickets,
                comments.stream().map(TicketCommentAdded::commentId).distinct().toList(), known);
        Instant now = Instant.now();
        List<TicketReply> arrived = new ArrayList<>();
        for (TicketCommentAdded comment : comments) {
            if (!known.add(new CommentKey(comment.ticketId(), comment.commentId()))) {
                continue;
            }
            TicketReply reply = new TicketReply();
            reply.ticketId = comment.ticketId();
            reply.commentId = comment.commentId();
            reply.authorUserId = comment.author().userId();
            reply.authorUsername = comment.author().username();
            reply.authorEmail = comment.author().email();
            reply.body = comment.body();
            reply.isPublic = Boolean.TRUE.equals(comment.isPublic());
            reply.createdAt = comment.createdAt();
            reply.receivedAt = now;
            reply.state = TicketReply.PENDING;
            reply.nextAttemptAt = now;
            arrived.add(reply);
            waiting.computeIfAbsent(reply.ticketId, t -> new ArrayList<>()).add(reply);
        }
        read(waiting);
        TicketReply.persist(arrived);
    }

    @Scheduled(identity = "consent-reply-retry", every = "${behalf.consent.sweep-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        retryDue();
    }

    /** Reads again the tickets whose oldest waiting reply is due; returns how many tickets were tried. */
    public int retryDue() {
        @SuppressWarnings("unchecked")
        List<String> tickets = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("""
                select r.ticket_id from ticket_reply r
                where r.state = 'PENDING' and r.next_attempt_at <= now()
                  and not exists (select 1 from ticket_reply e
                                  where e.ticket_id = r.ticket_id and e.state = 'PENDING' and e.id < r.id)
                order by r.next_attempt_at limit 50""").getResultList());
        for (String ticket : tickets) {
            QuarkusTransaction.requiringNew().run(() -> {
                if (tryLockTicket(ticket)) {
                    readPending(List.of(ticket));
                }
            });
        }
        return tickets.size();
    }

    private void readPending(Collection<String> tickets) {
        read(waiting(tickets, List.of(), new HashSet<>()));
    }

    /**
     * Reads each ticket's waiting replies in order, stopping at the first whose author cannot be checked now; a
     * ticket whose oldest waiting reply is backing off is left alone, its later replies wait behind it.
     */
    private void read(Map<String, List<TicketReply>> waiting) {
        Instant now = Instant.now();
        waiting.values().removeIf(replies -> replies.get(0).nextAttemptAt.isAfter(now));
        Map<TicketReply, Reading> readings = new HashMap<>();
        Set<String> answered = new LinkedHashSet<>();
        waiting.values().forEach(replies -> replies.stream().filter(r -> r.isPublic).forEach(r -> {
            Reading reading = ReplyMatcher.read(r.body);
            readings.put(r, reading);
            if (reading.verdict() != ReplyMatcher.Verdict.NONE) {
                answered.add(r.ticketId);
            }
        }));
        Map<String, List<Consent>> open = new HashMap<>();
        Map<String, Ticket> rows = new HashMap<>();
        openWithTickets(answered, open, rows);
        for (List<TicketReply> replies : waiting.values()) {
            for (TicketReply reply : replies) {
                try {
                    reply.outcome = read(reply, readings.get(reply), open.getOrDefault(reply.ticketId, List.of()),
                            Optional.ofNullable(rows.get(reply.ticketId)));
                    reply.state = TicketReply.DONE;
                    reply.lastError = null;
                } catch (GitLabUnavailableException e) {
                    reply.attempts++;
                    reply.lastError = e.getMessage();
                    reply.nextAttemptAt = now.plus(backoff(reply.attempts));
                    LOG.warnf("comment %s on ticket %s stays pending (attempt %d): %s", reply.commentId,
                            reply.ticketId, reply.attempts, e.getMessage());
                    break;
                }
            }
        }
    }

    /**
     * Applies one reply to its ticket's open requests (locked, kept up to date in memory as replies before it
     * changed them); throws {@link GitLabUnavailableException} before changing anything.
     */
    private String read(TicketReply reply, Reading reading, List<Consent> openOnTicket, Optional<Ticket> ticket) {
        if (!reply.isPublic) {
            return "internal note: only public comments answer a permission question";
        }
        if (reading.verdict() == ReplyMatcher.Verdict.NONE) {
            return "not an answer: " + reading.why();
        }
        Instant now = Instant.now();
        boolean refusal = reading.verdict() == ReplyMatcher.Verdict.REFUSE;
        // only questions already asked when the comment arrived, and still open, can be answered by it; a refusal
        // also withdraws a grant given earlier, since a consent the user took back must not be acted on
        List<Consent> open = openOnTicket.stream()
                .filter(c -> refusal ? c.status.isOpen() : c.status == ConsentStatus.PENDING)
                .filter(c -> !c.requestedAt.isAfter(reply.receivedAt))
                .filter(c -> c.status == ConsentStatus.PENDING ? c.expiresAt.isAfter(now) : c.validUntil.isAfter(now))
                .toList();
        if (open.isEmpty()) {
            return reading.verdict() + ": no open permission request on the ticket";
        }
        Map<Consent, Decision> decisions = new LinkedHashMap<>();
        for (Consent consent : open) {
            decisions.put(consent, authority.of(reply.authorUserId, consent, ticket));
        }
        List<Consent> answerable = new ArrayList<>();
        decisions.forEach((consent, decision) -> {
            if (decision.allowed()) {
                answerable.add(consent);
            } else {
                lifecycle.replyIgnored(consent, reply.commentId, reply.authorUserId, decision.refusal());
            }
        });
        if (answerable.isEmpty()) {
            return reading.verdict() + " from an author who may not answer: ignored";
        }
        switch (reading.verdict()) {
            case GRANT -> {
                if (answerable.size() == 1) {
                    Consent consent = answerable.get(0);
                    lifecycle.grant(consent, new GrantedBy(reply.authorUserId, reply.authorUsername,
                            decisions.get(consent).role()), reply.commentId);
                } else {
                    // "yes" to one of several questions: which one is a guess, so the engineer asks again
                    answerable.forEach(c -> lifecycle.replyUnclear(c, reply.commentId, answerable.size()
                            + " permission requests are pending on this ticket and the reply does not say which it grants"));
                }
            }
            case REFUSE -> answerable.forEach(c -> {
                if (c.status == ConsentStatus.PENDING) {
                    lifecycle.deny(c, reply.authorUsername, reply.commentId);
                } else {
                    lifecycle.revoke(c, reply.authorUsername, "withdrawn by the granter in comment " + reply.commentId);
                }
            });
            default -> answerable.forEach(c -> lifecycle.replyUnclear(c, reply.commentId, reading.why()));
        }
        return reading.verdict() + " applied to " + answerable.size() + " request(s)";
    }

    private Duration backoff(int attempts) {
        Duration wait = settings.replyRetry().backoff().multipliedBy(1L << Math.min(attempts - 1, 16));
        return wait.compareTo(settings.replyRetry().maxBackoff()) > 0 ? settings.replyRetry().maxBackoff() : wait;
    }

    /** Takes the tickets' reply locks in one statement, in the order of their keys, as every batch does. */
    private void lockTickets(List<String> tickets) {
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    select count(pg_advisory_xact_lock(?, k))
                    from (select distinct hashtext(t) as k from unnest(?::text[]) as t order by k) as keys""")) {
                s.setInt(1, REPLY_LOCK);
                s.setArray(2, c.createArrayOf("text", tickets.toArray()));
                s.executeQuery().close();
            }
        });
    }

    /**
     * The tickets' waiting replies by ticket, oldest first, as managed entities; {@code known} gains every stored
     * reply of theirs, waiting or not, whose comment is among {@code commentIds} (delivered before under another
     * ce_id). One SQL text over arrays whatever the batch: as HQL with {@code in} lists, Hibernate built a new SQL
     * AST whenever their sizes changed.
     */
    private Map<String, List<TicketReply>> waiting(Collection<String> tickets, Collection<String> commentIds,
            Set<CommentKey> known) {
        @SuppressWarnings("unchecked")
        List<TicketReply> rows = em.createNativeQuery("""
                select * from ticket_reply
                where ticket_id = any(?1) and (state = 'PENDING' or comment_id = any(?2))
                order by id""", TicketReply.class)
                .setParameter(1, tickets.toArray(String[]::new))
                .setParameter(2, commentIds.toArray(String[]::new))
                .getResultList();
        Map<String, List<TicketReply>> waiting = new LinkedHashMap<>();
        for (TicketReply reply : rows) {
            known.add(new CommentKey(reply.ticketId, reply.commentId));
            if (TicketReply.PENDING.equals(reply.state)) {
                waiting.computeIfAbsent(reply.ticketId, t -> new ArrayList<>()).add(reply);
            }
        }
        return waiting;
    }

    /**
     * The tickets' open (pending or granted) requests, locked, oldest first, with their tickets, in one statement:
     * a reply is read against the requests of its ticket, and the ticket says who its requester is.
     */
    private void openWithTickets(Collection<String> tickets, Map<String, List<Consent>> open,
            Map<String, Ticket> rows) {
        if (tickets.isEmpty()) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> found = em.unwrap(Session.class).createNativeQuery("""
                select {c.*}, {t.*} from consent c left join ticket t on t.ticket_id = c.ticket_id
                where c.ticket_id = any(?1) and c.status in ('PENDING', 'GRANTED')
                order by c.ticket_id, c.requested_at
                for update of c""", Object[].class)
                .addEntity("c", Consent.class)
                .addEntity("t", Ticket.class)
                .setParameter(1, tickets.toArray(String[]::new))
                .getResultList();
        for (Object[] row : found) {
            Consent consent = (Consent) row[0];
            open.computeIfAbsent(consent.ticketId, t -> new ArrayList<>()).add(consent);
            if (row[1] != null) {
                rows.put(consent.ticketId, (Ticket) row[1]);
            }
        }
    }

    private record CommentKey(String ticketId, String commentId) {
    }

    private boolean tryLockTicket(String ticketId) {
        return (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(?1, hashtext(?2))")
                .setParameter(1, REPLY_LOCK).setParameter(2, ticketId).getSingleResult();
    }
}
