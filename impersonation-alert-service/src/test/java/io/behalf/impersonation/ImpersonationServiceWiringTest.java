package io.behalf.impersonation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.behalf.events.EventType;
import io.behalf.events.Topics;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.behalf.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Dead letters, the auditor's read endpoint and the Quarkus endpoints. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ExternalApisStub.class, scope = TestResourceScope.GLOBAL)
class ImpersonationServiceWiringTest extends ServiceTestSupport {

    private static final String DEAD_LETTERS = Topics.deadLetters("impersonation-alert-service");

    @Test
    void aMalformedImpersonationRecordEndsInTheDeadLetterTopicWithItsReason() {
        String key = newUserId();
        try (var deadLetters = TestKafka.fromNow(DEAD_LETTERS)) {
            TestKafka.send(EventType.IMPERSONATION_STARTED, key, "{\"impersonationId\": \"imp-" + UUID.randomUUID() + "\"}");
            ConsumerRecord<String, String> dead = deadLetters.await(r -> key.equals(r.key()), WITHIN);
            assertThat(TestKafka.header(dead, "dead-letter-reason")).isEqualTo("missing required field 'admin'");
            assertThat(TestKafka.header(dead, "dead-letter-topic")).isEqualTo(Topics.IMPERSONATION_EVENTS);
        }
    }

    @Test
    void aMalformedConsentRecordEndsInTheDeadLetterTopicWithItsReason() {
        String ticket = "ZD-" + UUID.randomUUID();
        try (var deadLetters = TestKafka.fromNow(DEAD_LETTERS)) {
            TestKafka.send(EventType.CONSENT_GRANTED, ticket, "{\"consentId\": \"c-1\", \"ticketId\": \"" + ticket + "\"}");
            ConsumerRecord<String, String> dead = deadLetters.await(r -> ticket.equals(r.key()), WITHIN);
            assertThat(TestKafka.header(dead, "dead-letter-reason")).isEqualTo("missing required field 'action'");
            assertThat(TestKafka.header(dead, "dead-letter-topic")).isEqualTo(Topics.CONSENT_EVENTS);
        }
    }

    @Test
    void theConfirmationStateIsForAuditorsOnlyAndErrorsAreProblems() {
        given().get("/impersonations/nope").then().statusCode(401)
                .contentType(startsWith("application/problem+json")).body("status", equalTo(401));
        given().header("Authorization", Tokens.bearer("sam", "support-engineer")).get("/impersonations/nope")
                .then().statusCode(403).contentType(startsWith("application/problem+json"));
        given().header("Authorization", Tokens.bearer("ada", "auditor")).get("/impersonations/nope")
                .then().statusCode(404).contentType(startsWith("application/problem+json"))
                .body("detail", equalTo("impersonation nope not found"));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }
}
