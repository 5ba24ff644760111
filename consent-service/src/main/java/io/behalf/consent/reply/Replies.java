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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reads ticket comments against the ticket's pending permission requests (rules 1 and 2).
 * <p>
 * A comment is stored first, in the consuming transaction, then read at once. When GitLab cannot say whether its
 * author may answer, the comment stays PENDING and is read again later with a doubling, capped wait, for as long
 * as GitLab is down: the Kafka record is still acknowledged, so a long outage neither blocks the partition nor
 * dead-letters a legitimate grant, and nothing is granted on a failed check. The comments of one ticket are read
 * one after the other in arrival order, under a per-ticket advisory lock, so two instances never read the same
 * comment and a later comment never overtakes an earlier one.
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

    /** A comment from ticket.events, inside the consuming transaction. A comment delivered again is read once. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void receive(TicketCommentAdded comment) {
        lockTicket(comment.ticketId());
        if (TicketReply.count("ticketId = ?1 and commentId = ?2", comment.ticketId(), comment.commentId()) > 0) {
            return;
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
        reply.receivedAt = Instant.now();
        reply.state = TicketReply.PENDING;
        reply.nextAttemptAt = reply.receivedAt;
        reply.persist();
        readPending(comment.ticketId());
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
                    readPending(ticket);
                }
            });
        }
        return tickets.size();
    }

    /** Reads the ticket's waiting replies in order, stopping at the first whose author cannot be checked now. */
    private void readPending(String ticketId) {
        List<TicketReply> waiting = TicketReply.list("ticketId = ?1 and state = ?2 order by id", ticketId,
                TicketReply.PENDING);
        Instant now = Instant.now();
        if (waiting.isEmpty() || waiting.get(0).nextAttemptAt.isAfter(now)) {
            return; // the oldest is backing off; the later ones wait behind it
        }
        for (TicketReply reply : waiting) {
            try {
                reply.outcome = read(reply);
                reply.state = TicketReply.DONE;
                reply.lastError = null;
            } catch (GitLabUnavailableException e) {
                reply.attempts++;
                reply.lastError = e.getMessage();
                reply.nextAttemptAt = now.plus(backoff(reply.attempts));
                LOG.warnf("comment %s on ticket %s stays pending (attempt %d): %s", reply.commentId, ticketId,
                        reply.attempts, e.getMessage());
                return;
            }
        }
    }

    /** Applies one reply; throws {@link GitLabUnavailableException} before changing anything. */
    private String read(TicketReply reply) {
        if (!reply.isPublic) {
            return "internal note: only public comments answer a permission question";
        }
        Reading reading = ReplyMatcher.read(reply.body);
        if (reading.verdict() == ReplyMatcher.Verdict.NONE) {
            return "not an answer: " + reading.why();
        }
        Instant now = Instant.now();
        boolean refusal = reading.verdict() == ReplyMatcher.Verdict.REFUSE;
        // only questions already asked when the comment arrived, and still open, can be answered by it; a refusal
        // also withdraws a grant given earlier, since a consent the user took back must not be acted on
        List<Consent> open = (refusal ? Consent.openOnTicketForUpdate(reply.ticketId)
                : Consent.pendingOnTicketForUpdate(reply.ticketId)).stream()
                .filter(c -> !c.requestedAt.isAfter(reply.receivedAt))
                .filter(c -> c.status == ConsentStatus.PENDING ? c.expiresAt.isAfter(now) : c.validUntil.isAfter(now))
                .toList();
        if (open.isEmpty()) {
            return reading.verdict() + ": no open permission request on the ticket";
        }
        Optional<Ticket> ticket = Ticket.byId(reply.ticketId);
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

    private void lockTicket(String ticketId) {
        em.createNativeQuery("select 1 from pg_advisory_xact_lock(?1, hashtext(?2))")
                .setParameter(1, REPLY_LOCK).setParameter(2, ticketId).getSingleResult();
    }

    private boolean tryLockTicket(String ticketId) {
        return (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(?1, hashtext(?2))")
                .setParameter(1, REPLY_LOCK).setParameter(2, ticketId).getSingleResult();
    }
}
