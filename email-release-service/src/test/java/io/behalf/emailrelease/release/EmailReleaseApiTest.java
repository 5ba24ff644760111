package io.behalf.emailrelease.release;

import static io.behalf.emailrelease.ReleaseTestSupport.WITHIN;
import static io.behalf.emailrelease.ReleaseTestSupport.awaitOutcome;
import static io.behalf.emailrelease.ReleaseTestSupport.awaitStatus;
import static io.behalf.emailrelease.ReleaseTestSupport.grantedConsent;
import static io.behalf.emailrelease.ReleaseTestSupport.isOutcome;
import static io.behalf.emailrelease.ReleaseTestSupport.newTicket;
import static io.behalf.emailrelease.ReleaseTestSupport.post;
import static io.behalf.emailrelease.ReleaseTestSupport.releaseIdOf;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.behalf.emailrelease.gitlab.GitLabStub;
import io.behalf.emailrelease.gitlab.GitLabWireMock;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Topics;
import io.behalf.events.emailrelease.EmailKind;
import io.behalf.events.emailrelease.EmailReleaseRequested;
import io.behalf.events.emailrelease.ReleaseReason;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.behalf.testing.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The HTTP side (validation, roles, problems) and the consumers' handling of bad and repeated records. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GitLabWireMock.class, scope = TestResourceScope.GLOBAL)
class EmailReleaseApiTest {

    @Inject
    EntityManager em;

    @Test
    void invalidRequestsAre400ProblemsNamingTheFieldAndPublishNothing() {
        String account = "acc-" + UUID.randomUUID();
        String valid = """
                {"ticketId": "ZD-1", "accountId": "%s", "email": "%s", "emailKind": "%s", "reason": "%s"}""";
        try (var releaseEvents = TestKafka.fromNow(Topics.EMAIL_RELEASE_EVENTS)) {
            badRequest(valid.formatted(account, "not-an-address", "PRIMARY", "LOST_ACCESS_INACTIVE"), "email");
            badRequest(valid.formatted(account, "john doe@example.com", "PRIMARY", "LOST_ACCESS_INACTIVE"), "email");
            badRequest(valid.formatted(account, "john@example.com", "TERTIARY", "LOST_ACCESS_INACTIVE"), "emailKind");
            badRequest(valid.formatted(account, "john@example.com", "PRIMARY", "BORED"), "reason");
            badRequest("""
                    {"accountId": "%s", "email": "john@example.com", "emailKind": "PRIMARY",
                     "reason": "LOST_ACCESS_INACTIVE"}""".formatted(account), "ticketId");
            badRequest("""
                    {"ticketId": "ZD-1", "accountId": "%s", "emailKind": "SECONDARY",
                     "reason": "LOST_ACCESS_INACTIVE"}""".formatted(account), "email");
            badRequest("""
                    {"ticketId": "ZD-1", "email": "john@example.com", "emailKind": "SECONDARY",
                     "reason": "LOST_ACCESS_INACTIVE"}""", "accountId");

            // events of one account are in order on one partition: once the valid request is out, none came before it
            String releaseId = post("ZD-1", account, "john@example.com", EmailKind.SECONDARY);
            releaseEvents.await(r -> releaseId.equals(releaseIdOf(r)), WITHIN);
            assertThat(releaseEvents.readToEnd(WITHIN).stream().filter(r -> account.equals(r.key())).toList())
                    .hasSize(1);
        }
    }

    @Test
    void everyEndpointNeedsABearerTokenWithTheRightRole() {
        String body = """
                {"ticketId": "ZD-1", "accountId": "1", "email": "a@example.com", "emailKind": "PRIMARY",
                 "reason": "LOST_ACCESS_INACTIVE"}""";
        given().contentType(ContentType.JSON).body(body).post("/email-releases")
                .then().statusCode(401).contentType(startsWith("application/problem+json")).body("status", equalTo(401));
        given().header("Authorization", Tokens.bearer("auditor.ann", "auditor"))
                .contentType(ContentType.JSON).body(body).post("/email-releases")
                .then().statusCode(403).contentType(startsWith("application/problem+json")).body("status", equalTo(403));
        given().get("/email-releases/" + UUID.randomUUID())
                .then().statusCode(401).contentType(startsWith("application/problem+json"));
        given().header("Authorization", Tokens.bearer("manager.max", "support-manager"))
                .get("/email-releases/" + UUID.randomUUID())
                .then().statusCode(403).contentType(startsWith("application/problem+json"));
        given().header("Authorization", Tokens.bearer("support.alice", "support-engineer"))
                .get("/email-releases/" + UUID.randomUUID())
                .then().statusCode(404).contentType(startsWith("application/problem+json")).body("status", equalTo(404));
    }

    @Test
    void malformedRecordsOnEitherTopicGoToTheDeadLetterTopicWithTheirReasonAndThePartitionGoesOn() {
        String account = "acc-" + UUID.randomUUID();
        String ticket = newTicket();
        try (var deadLetters = TestKafka.fromNow(Topics.deadLetters("email-release-service"))) {
            TestKafka.send(EventType.EMAIL_RELEASE_REQUESTED, account, """
                    {"releaseId": "r-1", "ticketId": "%s", "email": "a@example.com", "emailKind": "PRIMARY",
                     "reason": "LOST_ACCESS_INACTIVE", "requestedBy": "x"}""".formatted(ticket));
            TestKafka.send(EventType.CONSENT_GRANTED, ticket, """
                    {"consentId": "c-1", "ticketId": "%s", "action": "RELEASE_EMAIL",
                     "grantedBy": {"userId": "1", "username": "u", "role": "ACCOUNT_HOLDER"},
                     "evidenceCommentId": "c", "validUntil": "2030-01-01T00:00:00Z"}""".formatted(ticket));

            ConsumerRecord<String, String> request = deadLetters.await(r -> account.equals(r.key()), WITHIN);
            assertThat(TestKafka.header(request, "dead-letter-reason")).isEqualTo("missing required field 'accountId'");
            assertThat(TestKafka.header(request, "dead-letter-topic")).isEqualTo(Topics.EMAIL_RELEASE_EVENTS);
            assertThat(request.value()).contains("\"releaseId\": \"r-1\"");
            ConsumerRecord<String, String> consent = deadLetters.await(r -> ticket.equals(r.key()), WITHIN);
            assertThat(TestKafka.header(consent, "dead-letter-reason")).isEqualTo("missing required field 'target'");
            assertThat(TestKafka.header(consent, "dead-letter-topic")).isEqualTo(Topics.CONSENT_EVENTS);
        }
        String releaseId = UUID.randomUUID().toString();
        TestKafka.send(EventType.EMAIL_RELEASE_REQUESTED, account, new EmailReleaseRequested(releaseId, ticket,
                account, "a@example.com", EmailKind.PRIMARY, ReleaseReason.LOST_ACCESS_INACTIVE, "support.bob"));
        awaitStatus(releaseId, ReleaseStatus.AWAITING_CONSENT);
    }

    @Test
    void aRepeatedRequestIsReleasedOnceWithOneOutcome() {
        GitLabStub gitlab = GitLabStub.newAccount();
        String old = "dup" + gitlab.accountId + "@example.org";
        gitlab.user("main" + gitlab.accountId + "@example.com", null).events("[]").emails(5, old)
                .addEmailAccepted().deleteEmailAccepted(5);
        String ticket = newTicket();
        grantedConsent(ticket, gitlab.accountId);
        String releaseId = UUID.randomUUID().toString();
        String json = EventJson.write(new EmailReleaseRequested(releaseId, ticket, gitlab.accountId, old,
                EmailKind.SECONDARY, ReleaseReason.LOST_ACCESS_INACTIVE, "support.bob"));

        try (var releaseEvents = TestKafka.fromNow(Topics.EMAIL_RELEASE_EVENTS)) {
            String ceId = UUID.randomUUID().toString();
            TestKafka.send(EventType.EMAIL_RELEASE_REQUESTED, gitlab.accountId, ceId, json);
            TestKafka.send(EventType.EMAIL_RELEASE_REQUESTED, gitlab.accountId, ceId, json);
            // the same release again under a new ce_id, as a producer retrying with a fresh event would send it
            String again = TestKafka.send(EventType.EMAIL_RELEASE_REQUESTED, gitlab.accountId, json);

            awaitOutcome(releaseEvents, releaseId);
            await().atMost(WITHIN).until(() -> processed(again) && unsentOutboxEvents(releaseId) == 0);
            List<ConsumerRecord<String, String>> outcomes = releaseEvents.readToEnd(WITHIN).stream()
                    .filter(r -> isOutcome(r) && releaseId.equals(releaseIdOf(r))).toList();
            assertThat(outcomes).hasSize(1);
            assertThat(TestKafka.header(outcomes.get(0), "ce_type")).isEqualTo(EventType.EMAIL_RELEASE_COMPLETED.type());
        }
        assertThat(gitlab.requests()).containsExactly(
                "GET " + gitlab.users(),
                "GET " + gitlab.users() + "/events?per_page=1",
                "GET " + gitlab.users() + "/emails",
                "POST " + gitlab.users() + "/emails",
                "GET " + gitlab.users() + "/emails",
                "DELETE " + gitlab.users() + "/emails/5");
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/email-releases"));
    }

    private static void badRequest(String body, String field) {
        given().header("Authorization", Tokens.bearer("support.alice", "support-engineer"))
                .contentType(ContentType.JSON).body(body).post("/email-releases")
                .then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(400))
                .body("detail", containsString(field));
    }

    private boolean processed(String ceId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from processed_event where consumer = 'email-release-events' and event_id = ?1")
                .setParameter(1, ceId).getSingleResult()).longValue() == 1);
    }

    private long unsentOutboxEvents(String releaseId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from outbox_event where subject = ?1 and sent_at is null")
                .setParameter(1, releaseId).getSingleResult()).longValue());
    }
}
