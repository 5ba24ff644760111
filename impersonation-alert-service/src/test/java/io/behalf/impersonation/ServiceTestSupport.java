package io.behalf.impersonation;

import static org.awaitility.Awaitility.await;

import io.behalf.events.EventType;
import io.behalf.events.Person;
import io.behalf.events.Topics;
import io.behalf.events.impersonation.ImpersonatedUser;
import io.behalf.events.impersonation.ImpersonationStarted;
import io.behalf.impersonation.TestSlack.Admin;
import io.behalf.testing.TestKafka;
import io.behalf.testing.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the tests of this service share: starting an impersonation and reading the service's state. */
public abstract class ServiceTestSupport {

    protected static final Duration WITHIN = Duration.ofSeconds(30);

    @Inject
    protected EntityManager em;

    protected static String newUserId() {
        return "7" + Math.abs(UUID.randomUUID().hashCode() % 10_000_000);
    }

    protected static ImpersonationStarted startedEvent(Admin admin, String userId, String ticketId) {
        return new ImpersonationStarted("imp-" + UUID.randomUUID(),
                new Person(admin.gitlabUserId(), admin.username(), admin.email()),
                new ImpersonatedUser(userId, "user-" + userId), "203.0.113.7",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), ticketId);
    }

    /** Publishes a started impersonation as another producer would and waits until the admin was asked in Slack. */
    protected static ConsumerRecord<String, String> startAndAwaitDm(ImpersonationStarted started) {
        try (var events = TestKafka.fromNow(Topics.IMPERSONATION_EVENTS)) {
            TestKafka.send(EventType.IMPERSONATION_STARTED, started.user().userId(), started);
            return events.await(TestKafka.ofType(EventType.IMPERSONATION_CONFIRMATION_REQUESTED)
                    .and(r -> started.impersonationId().equals(TestKafka.header(r, "ce_subject"))), WITHIN);
        }
    }

    /** How many events of {@code type} about {@code subject} the service has written to its outbox. */
    protected long outboxed(EventType type, String subject) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from outbox_event where type = ?1 and subject = ?2")
                .setParameter(1, type.type()).setParameter(2, subject).getSingleResult()).longValue());
    }

    protected static JsonPath confirmation(String impersonationId) {
        return RestAssured.given().header("Authorization", Tokens.bearer("ada", "auditor"))
                .get("/impersonations/{id}", impersonationId)
                .then().statusCode(200).extract().jsonPath();
    }

    /** Waits until the Slack task of that kind for the impersonation has reached {@code status}. */
    protected static void awaitSlackTask(String impersonationId, String kind, String status) {
        await().atMost(WITHIN).until(() -> {
            var response = RestAssured.given().header("Authorization", Tokens.bearer("ada", "auditor"))
                    .get("/impersonations/{id}", impersonationId);
            // 404 until the started event has been consumed
            return response.statusCode() == 200 && response.jsonPath()
                    .getList("slack.findAll { it.kind == '" + kind + "' && it.status == '" + status + "' }").size() == 1;
        });
    }
}
