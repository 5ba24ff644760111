package io.behalf.consent;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.behalf.consent.ticket.Ticket;
import io.behalf.events.EventFixtures;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Topics;
import io.behalf.events.consent.ConsentExpired;
import io.behalf.events.consent.ConsentRequested;
import io.behalf.events.consent.ExpiryReason;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.behalf.testing.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The service wired to the real broker and database: records in, state in PostgreSQL, events out. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
class ConsentServiceWiringTest {

    @Test
    void ticketRecordsHaveTheirEffectAndASolvedTicketEndsItsConsentsThroughTheOutbox() {
        String ticket = "ZD-" + UUID.randomUUID();
        TestKafka.send(EventType.TICKET_OPENED, ticket, EventFixtures.json(EventType.TICKET_OPENED).replace("ZD-1001", ticket));
        await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> Ticket.byId(ticket).isPresent()));

        try (var consentEvents = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            String consentId = given().header("Authorization", Tokens.bearer("alice", "support-engineer"))
                    .contentType(ContentType.JSON)
                    .body("""
                            {"ticketId": "%s", "action": "VIEW_PRIVATE_DATA",
                             "target": {"kind": "PROJECT", "id": "278964", "path": "acme/backend"}}""".formatted(ticket))
                    .post("/consents")
                    .then().statusCode(201).body("status", equalTo("PENDING"))
                    .extract().path("consentId");

            ConsumerRecord<String, String> requested = consentEvents.await(
                    TestKafka.ofType(EventType.CONSENT_REQUESTED).and(r -> ticket.equals(r.key())), Duration.ofSeconds(30));
            assertThat(EventJson.read(requested.value(), ConsentRequested.class).consentId()).isEqualTo(consentId);
            assertThat(TestKafka.header(requested, "ce_source")).isEqualTo("/behalf/consent-service");

            TestKafka.send(EventType.TICKET_SOLVED, ticket, EventFixtures.json(EventType.TICKET_SOLVED).replace("ZD-1001", ticket));
            ConsumerRecord<String, String> expired = consentEvents.await(
                    TestKafka.ofType(EventType.CONSENT_EXPIRED).and(r -> ticket.equals(r.key())), Duration.ofSeconds(30));
            assertThat(EventJson.read(expired.value(), ConsentExpired.class))
                    .isEqualTo(new ConsentExpired(consentId, ticket, ExpiryReason.TICKET_SOLVED));
        }
    }

    @Test
    void aMalformedRecordEndsInTheDeadLetterTopicWithItsReason() {
        String ticket = "ZD-" + UUID.randomUUID();
        try (var deadLetters = TestKafka.fromNow(Topics.deadLetters("consent-service"))) {
            TestKafka.send(EventType.TICKET_OPENED, ticket, "{\"ticketId\": \"" + ticket + "\"}");
            ConsumerRecord<String, String> dead = deadLetters.await(r -> ticket.equals(r.key()), Duration.ofSeconds(30));
            assertThat(TestKafka.header(dead, "dead-letter-reason")).isEqualTo("missing required field 'requester'");
            assertThat(TestKafka.header(dead, "dead-letter-topic")).isEqualTo(Topics.TICKET_EVENTS);
        }
    }

    @Test
    void aRequestWithoutATokenGets401AsAProblem() {
        given().contentType(ContentType.JSON).body("{}").post("/consents")
                .then().statusCode(401)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(401));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }
}
