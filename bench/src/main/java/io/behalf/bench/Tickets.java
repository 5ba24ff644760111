package io.behalf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.behalf.events.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The ticketing system's and the support engineer's part of a release-email story, for many tickets at once: the
 * requester opens the ticket, Support verifies ownership of the account and asks for RELEASE_EMAIL of the
 * requester's own address, so the requester may grant it (DESIGN rule 2) with a comment.
 */
final class Tickets {

    static final String GRANT = "I confirm, please release it.";

    record Story(String ticketId, String requesterId, String accountId, String email) {
    }

    private final BenchKafka kafka;
    private final Http consent;

    Tickets(BenchKafka kafka, Http consent) {
        this.kafka = kafka;
        this.consent = consent;
    }

    /** Opens the tickets, verifies ownership and asks for each consent; returns the consent ids in order. */
    List<String> askForRelease(List<Story> stories, int concurrency) throws Exception {
        for (Story s : stories) {
            kafka.send(EventType.TICKET_OPENED, s.ticketId(), """
                    {"ticketId":"%s","requester":{"userId":"%s","username":"req-%s","email":"%s"},
                     "subject":"Release my email from my old account","openedAt":"%s"}"""
                    .formatted(s.ticketId(), s.requesterId(), s.requesterId(), s.email(), Instant.now()));
            kafka.send(EventType.TICKET_OWNERSHIP_VERIFIED, s.ticketId(), """
                    {"ticketId":"%s","accountId":"%s","verifiedBy":"bench","method":"EMAIL_CHALLENGE","verifiedAt":"%s"}"""
                    .formatted(s.ticketId(), s.accountId(), Instant.now()));
        }
        kafka.flush();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<String>> asked = new ArrayList<>();
            for (Story s : stories) {
                asked.add(pool.submit(() -> {
                    JsonNode r = consent.postWhenReady("/consents", """
                            {"ticketId":"%s","action":"RELEASE_EMAIL","target":{"kind":"USER","id":"%s","path":"old-%s"},
                             "details":"%s"}""".formatted(s.ticketId(), s.accountId(), s.accountId(), s.email()));
                    return r.path("consentId").asText();
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : asked) {
                ids.add(f.get());
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The requester's granting comment, sent without waiting for the broker's acknowledgement. */
    void grant(Story s) {
        kafka.send(EventType.TICKET_COMMENT_ADDED, s.ticketId(), """
                {"ticketId":"%s","commentId":"%s-c","author":{"userId":"%s","username":"req-%s","email":"%s"},
                 "body":%s,"public":true,"createdAt":"%s"}""".formatted(s.ticketId(), s.ticketId(), s.requesterId(),
                s.requesterId(), s.email(), Http.quote(GRANT), Instant.now()));
    }
}
