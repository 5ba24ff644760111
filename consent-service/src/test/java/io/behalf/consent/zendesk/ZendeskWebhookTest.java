package io.behalf.consent.zendesk;

import static io.behalf.consent.ConsentTesting.WITHIN;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.behalf.consent.gitlab.GitLabStub;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Person;
import io.behalf.events.Topics;
import io.behalf.events.ticket.TicketCommentAdded;
import io.behalf.events.ticket.TicketOpened;
import io.behalf.events.ticket.TicketSolved;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.behalf.web.Signatures;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** POST /webhooks/zendesk: signed upstream ticket events become ticket.events records; unsigned ones nothing. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GitLabStub.class, scope = TestResourceScope.GLOBAL)
class ZendeskWebhookTest {

    private static final String SECRET = "test-zendesk-secret";

    @Inject
    EntityManager em;

    @Test
    void signedTicketCreatedCommentAddedAndSolvedArePublishedOnTicketEventsKeyedByTicket() {
        String ticket = "ZD-" + UUID.randomUUID();
        try (var ticketEvents = TestKafka.fromNow(Topics.TICKET_EVENTS)) {
            post(signedNow("""
                    {"event": "ticket.created", "ticketId": "%s", "occurredAt": "2026-11-28T10:00:00Z",
                     "requester": {"userId": "4711", "username": "jdoe", "email": "jdoe@example.com"},
                     "subject": "Pipelines fail", "zendeskExtra": "ignored"}""".formatted(ticket)))
                    .statusCode(202).body("type", equalTo("behalf.ticket.opened"));
            post(signedNow("""
                    {"event": "ticket.comment_added", "ticketId": "%s", "occurredAt": "2026-11-28T10:05:00Z",
                     "comment": {"id": "c-2", "author": {"userId": "4711", "username": "jdoe"},
                                 "body": "Yes, I provide permission.", "public": true}}""".formatted(ticket)))
                    .statusCode(202);
            post(signedNow("""
                    {"event": "ticket.solved", "ticketId": "%s", "occurredAt": "2026-11-28T12:00:00Z"}"""
                    .formatted(ticket))).statusCode(202);

            var records = ticketEvents.awaitAll(r -> ticket.equals(r.key()), 3, WITHIN);
            assertThat(records).extracting(r -> TestKafka.header(r, "ce_type"))
                    .containsExactly("behalf.ticket.opened", "behalf.ticket.comment-added", "behalf.ticket.solved");
            assertThat(EventJson.read(records.get(0).value(), TicketOpened.class)).isEqualTo(new TicketOpened(ticket,
                    new Person("4711", "jdoe", "jdoe@example.com"), "Pipelines fail",
                    Instant.parse("2026-11-28T10:00:00Z")));
            assertThat(EventJson.read(records.get(1).value(), TicketCommentAdded.class)).isEqualTo(
                    new TicketCommentAdded(ticket, "c-2", new Person("4711", "jdoe", null), "Yes, I provide permission.",
                            true, Instant.parse("2026-11-28T10:05:00Z")));
            assertThat(EventJson.read(records.get(2).value(), TicketSolved.class))
                    .isEqualTo(new TicketSolved(ticket, Instant.parse("2026-11-28T12:00:00Z")));
            ConsumerRecord<String, String> first = records.get(0);
            assertThat(TestKafka.header(first, "ce_source")).isEqualTo("/behalf/consent-service");
        }
    }

    @Test
    void aBadStaleOrMissingSignatureIs401AndPublishesNothing() {
        String ticket = "ZD-" + UUID.randomUUID();
        String body = """
                {"event": "ticket.solved", "ticketId": "%s", "occurredAt": "2026-11-28T12:00:00Z"}""".formatted(ticket);
        String now = Instant.now().toString();

        given().header(ZendeskWebhookResource.TIMESTAMP, now)
                .header(ZendeskWebhookResource.SIGNATURE, sign("wrong-secret", now, body))
                .contentType("application/json").body(body).post("/webhooks/zendesk").then().statusCode(401)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("https://behalf.io/problems/bad-signature"));
        String stale = Instant.now().minus(Duration.ofMinutes(6)).toString();
        given().header(ZendeskWebhookResource.TIMESTAMP, stale)
                .header(ZendeskWebhookResource.SIGNATURE, sign(SECRET, stale, body))
                .contentType("application/json").body(body).post("/webhooks/zendesk").then().statusCode(401);
        given().contentType("application/json").body(body).post("/webhooks/zendesk").then().statusCode(401);
        // a correct signature over another body does not carry over
        given().header(ZendeskWebhookResource.TIMESTAMP, now)
                .header(ZendeskWebhookResource.SIGNATURE, sign(SECRET, now, body.replace("12:00", "13:00")))
                .contentType("application/json").body(body).post("/webhooks/zendesk").then().statusCode(401);

        assertThat(outboxRowsFor(ticket)).isZero();
    }

    @Test
    void aSignedBodyThatIsNotTheDocumentedShapeIsRefusedAndPublishesNothing() {
        String ticket = "ZD-" + UUID.randomUUID();
        post(signedNow("""
                {"event": "ticket.comment_added", "ticketId": "%s", "occurredAt": "2026-11-28T10:05:00Z",
                 "comment": {"id": "c-9", "body": "hello", "public": true}}""".formatted(ticket)))
                .statusCode(400).contentType(startsWith("application/problem+json"))
                .body("detail", equalTo("missing required field 'author'"));
        post(signedNow("""
                {"event": "ticket.merged", "ticketId": "%s", "occurredAt": "2026-11-28T10:05:00Z"}""".formatted(ticket)))
                .statusCode(422).body("type", equalTo("https://behalf.io/problems/unknown-webhook-event"));
        post(signedNow("not json")).statusCode(400).contentType(startsWith("application/problem+json"));
        assertThat(outboxRowsFor(ticket)).isZero();
    }

    private long outboxRowsFor(String ticket) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from outbox_event where record_key = ?1").setParameter(1, ticket).getSingleResult())
                .longValue());
    }

    private record Signed(String body, String timestamp, String signature) {
    }

    private static Signed signedNow(String body) {
        String timestamp = Instant.now().toString();
        return new Signed(body, timestamp, sign(SECRET, timestamp, body));
    }

    private static ValidatableResponse post(Signed signed) {
        return given().header(ZendeskWebhookResource.TIMESTAMP, signed.timestamp())
                .header(ZendeskWebhookResource.SIGNATURE, signed.signature())
                .contentType("application/json").body(signed.body()).post("/webhooks/zendesk").then();
    }

    private static String sign(String secret, String timestamp, String body) {
        return Base64.getEncoder().encodeToString(Signatures.hmacSha256(secret, timestamp + body));
    }
}
