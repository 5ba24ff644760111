package io.behalf.consent;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.behalf.consent.gitlab.GitLabStub;
import io.behalf.consent.ticket.Ticket;
import io.behalf.events.EventType;
import io.behalf.events.Person;
import io.behalf.events.TargetKind;
import io.behalf.events.ticket.OwnershipVerified;
import io.behalf.events.ticket.TicketCommentAdded;
import io.behalf.events.ticket.TicketOpened;
import io.behalf.testing.TestKafka;
import io.behalf.testing.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import java.util.function.Predicate;

/** What the consent tests do over and over: open tickets, ask, reply, and look at the outbox. */
public final class ConsentTesting {

    public static final Duration WITHIN = Duration.ofSeconds(30);
    private static final AtomicLong IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    private ConsentTesting() {
    }

    /** A GitLab-style numeric id no other test uses. */
    public static String newId() {
        return Long.toString(IDS.incrementAndGet());
    }

    /** A ticket opened by the owner of a project whose membership GitLab cannot tell for them now (it answers 503). */
    public record UncheckableOwner(String ticket, String owner, String project) {
    }

    public static UncheckableOwner ticketOfAnOwnerGitLabCannotCheck() {
        String project = newId();
        String owner = newId();
        GitLabStub.membersDown(TargetKind.PROJECT, project, owner);
        return new UncheckableOwner(openTicket(owner, "owner@example.com"), owner, project);
    }

    public static String openTicket(String requesterUserId, String requesterEmail) {
        String ticket = "ZD-" + UUID.randomUUID();
        TestKafka.send(EventType.TICKET_OPENED, ticket, new TicketOpened(ticket,
                new Person(requesterUserId, "user" + requesterUserId, requesterEmail), "help", Instant.now()));
        await().atMost(WITHIN).until(() -> QuarkusTransaction.requiringNew().call(() -> Ticket.byId(ticket).isPresent()));
        return ticket;
    }

    public static void verifyOwnership(String ticket, String accountId, EntityManager em) {
        TestKafka.send(EventType.TICKET_OWNERSHIP_VERIFIED, ticket,
                new OwnershipVerified(ticket, accountId, "support.alice", "SSH_KEY_SIGNATURE", Instant.now()));
        await().atMost(WITHIN).until(() -> QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from ownership_verification where ticket_id = ?1 and account_id = ?2")
                .setParameter(1, ticket).setParameter(2, accountId).getSingleResult()).intValue() == 1));
    }

    public static ValidatableResponse request(String ticket, String action, String kind, String id, String path,
            String details) {
        String body = """
                {"ticketId": "%s", "action": "%s", "target": {"kind": "%s", "id": "%s"%s}%s}""".formatted(ticket, action,
                kind, id, path == null ? "" : ", \"path\": \"" + path + "\"",
                details == null ? "" : ", \"details\": \"" + details + "\"");
        return given().header("Authorization", Tokens.bearer("alice", "support-engineer"))
                .contentType(ContentType.JSON).body(body).post("/consents").then();
    }

    public static String requested(String ticket, String action, String kind, String id, String path, String details) {
        return request(ticket, action, kind, id, path, details).statusCode(201).extract().path("consentId");
    }

    /** Sends a comment; returns its commentId. */
    public static String comment(String ticket, String authorUserId, String body, boolean isPublic) {
        String commentId = "c-" + UUID.randomUUID();
        comment(ticket, commentId, authorUserId, body, isPublic);
        return commentId;
    }

    public static String comment(String ticket, String commentId, String authorUserId, String body, boolean isPublic) {
        return TestKafka.send(EventType.TICKET_COMMENT_ADDED, ticket, new TicketCommentAdded(ticket, commentId,
                new Person(authorUserId, "user" + authorUserId, "user" + authorUserId + "@example.com"), body, isPublic,
                Instant.now()));
    }

    public static Predicate<ConsumerRecord<String, String>> event(EventType type, String consentId) {
        return TestKafka.ofType(type).and(r -> consentId.equals(TestKafka.header(r, "ce_subject")));
    }

    /** How many events of {@code type} about {@code consentId} were ever written to the outbox. */
    public static int outboxCount(EntityManager em, EventType type, String consentId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from outbox_event where type = ?1 and subject = ?2")
                .setParameter(1, type.type()).setParameter(2, consentId).getSingleResult()).intValue());
    }

    /** The state of a comment once read: DONE, or PENDING while its author cannot be checked. */
    public static String replyState(EntityManager em, String ticket, String commentId) {
        return QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "select coalesce((select state from ticket_reply where ticket_id = ?1 and comment_id = ?2), 'ABSENT')")
                .setParameter(1, ticket).setParameter(2, commentId).getSingleResult());
    }

    /** The consent's status as stored now. */
    public static io.behalf.consent.consent.ConsentStatus status(String consentId) {
        return QuarkusTransaction.requiringNew().call(() -> io.behalf.consent.consent.Consent
                .<io.behalf.consent.consent.Consent>findById(UUID.fromString(consentId)).status);
    }

    public static void sql(EntityManager em, String statement, Object... params) {
        QuarkusTransaction.requiringNew().run(() -> {
            var q = em.createNativeQuery(statement);
            for (int i = 0; i < params.length; i++) {
                q.setParameter(i + 1, params[i]);
            }
            q.executeUpdate();
        });
    }
}
