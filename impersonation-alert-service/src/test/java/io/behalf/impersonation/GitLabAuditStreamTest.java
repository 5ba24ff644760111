package io.behalf.impersonation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Person;
import io.behalf.events.Topics;
import io.behalf.events.impersonation.ConfirmationRequested;
import io.behalf.events.impersonation.ImpersonatedUser;
import io.behalf.events.impersonation.ImpersonationStarted;
import io.behalf.events.impersonation.ImpersonationStopped;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** POST /gitlab/audit-events: GitLab's audit stream in, impersonation.events out through the outbox. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ExternalApisStub.class, scope = TestResourceScope.GLOBAL)
class GitLabAuditStreamTest extends ServiceTestSupport {

    private static final String TOKEN = "test-gitlab-stream-token";

    @Test
    void startedAndStoppedImpersonationFromJsonBecomeEventsKeyedByTheUser() {
        String startId = newAuditId();
        String stopId = newAuditId();
        String userId = newUserId();
        try (var events = TestKafka.fromNow(Topics.IMPERSONATION_EVENTS)) {
            receive(TOKEN, "application/json", auditEvent(startId, "1", userId, "Started Impersonation",
                    "2026-11-28T10:00:00.123Z"))
                    .statusCode(200).body("outcome", equalTo("STARTED")).body("impersonationId", equalTo("gl-audit-" + startId));
            ConsumerRecord<String, String> started = events.await(TestKafka.ofType(EventType.IMPERSONATION_STARTED)
                    .and(r -> userId.equals(r.key())), WITHIN);
            assertThat(EventJson.read(started.value(), ImpersonationStarted.class)).isEqualTo(new ImpersonationStarted(
                    "gl-audit-" + startId, new Person("1", "root", "admin@example.com"),
                    new ImpersonatedUser(userId, "jdoe"), "203.0.113.7", Instant.parse("2026-11-28T10:00:00.123Z"), null));
            assertThat(TestKafka.header(started, "ce_source")).isEqualTo("/behalf/impersonation-alert-service");
            assertThat(TestKafka.header(started, "ce_subject")).isEqualTo("gl-audit-" + startId);

            receive(TOKEN, "application/json", auditEvent(stopId, "1", userId, "Stopped Impersonation",
                    "2026-11-28T10:12:00Z"))
                    .statusCode(200).body("outcome", equalTo("STOPPED")).body("impersonationId", equalTo("gl-audit-" + startId));
            ConsumerRecord<String, String> stopped = events.await(TestKafka.ofType(EventType.IMPERSONATION_STOPPED)
                    .and(r -> userId.equals(r.key())), WITHIN);
            // the stop names the impersonation it ends, not its own audit id
            assertThat(EventJson.read(stopped.value(), ImpersonationStopped.class))
                    .isEqualTo(new ImpersonationStopped("gl-audit-" + startId, Instant.parse("2026-11-28T10:12:00Z")));
        }
    }

    @Test
    void aStartFromTheStreamReachesTheAdminInSlack() {
        TestSlack.Admin admin = TestSlack.newAdmin();
        String id = newAuditId();
        String userId = newUserId();
        try (var events = TestKafka.fromNow(Topics.IMPERSONATION_EVENTS)) {
            receive(TOKEN, "application/json", auditEvent(id, admin.gitlabUserId(), userId, "Started Impersonation",
                    Instant.now().toString()).replace("admin@example.com", admin.email()))
                    .statusCode(200).body("outcome", equalTo("STARTED"));
            ConsumerRecord<String, String> requested = events.await(
                    TestKafka.ofType(EventType.IMPERSONATION_CONFIRMATION_REQUESTED).and(r -> userId.equals(r.key())), WITHIN);
            assertThat(EventJson.read(requested.value(), ConfirmationRequested.class).impersonationId())
                    .isEqualTo("gl-audit-" + id);
        }
        assertThat(TestSlack.calls("chat.postMessage", java.util.Map.of("channel", admin.channel()))).hasSize(1);
    }

    @Test
    void formEncodedDeliveriesAreReadLikeJson() {
        String rawId = newAuditId();
        String wrappedId = newAuditId();
        String userId = newUserId();
        try (var events = TestKafka.fromNow(Topics.IMPERSONATION_EVENTS)) {
            // GitLab labels its JSON body as a form; a relay may wrap it as the form field "payload"
            receive(TOKEN, "application/x-www-form-urlencoded",
                    auditEvent(rawId, "1", userId, "Started Impersonation", "2026-11-28T11:00:00Z"))
                    .statusCode(200).body("outcome", equalTo("STARTED"));
            receive(TOKEN, "application/x-www-form-urlencoded", "payload=" + URLEncoder.encode(
                    auditEvent(wrappedId, "1", userId, "Stopped Impersonation", "2026-11-28T11:05:00Z"),
                    StandardCharsets.UTF_8))
                    .statusCode(200).body("outcome", equalTo("STOPPED"));
            ConsumerRecord<String, String> started = events.await(TestKafka.ofType(EventType.IMPERSONATION_STARTED)
                    .and(r -> userId.equals(r.key())), WITHIN);
            assertThat(EventJson.read(started.value(), ImpersonationStarted.class).impersonationId())
                    .isEqualTo("gl-audit-" + rawId);
            ConsumerRecord<String, String> stopped = events.await(TestKafka.ofType(EventType.IMPERSONATION_STOPPED)
                    .and(r -> userId.equals(r.key())), WITHIN);
            assertThat(EventJson.read(stopped.value(), ImpersonationStopped.class))
                    .isEqualTo(new ImpersonationStopped("gl-audit-" + rawId, Instant.parse("2026-11-28T11:05:00Z")));
        }
    }

    @Test
    void aWrongOrMissingStreamTokenIs401AndPublishesNothing() {
        String id = newAuditId();
        String event = auditEvent(id, "1", newUserId(), "Started Impersonation", "2026-11-28T12:00:00Z");
        receive("not-the-token", "application/json", event)
                .statusCode(401).contentType(startsWith("application/problem+json")).body("status", equalTo(401));
        receive(TOKEN + "x", "application/json", event).statusCode(401);
        receive(null, "application/json", event).statusCode(401);
        assertThat(outboxed(EventType.IMPERSONATION_STARTED, "gl-audit-" + id)).isZero();
        assertThat(auditIdRecorded(id)).as("a refused delivery is not remembered as handled").isFalse();

        // the same delivery with the right token still goes through: the refusals left no trace
        receive(TOKEN, "application/json", event).statusCode(200).body("outcome", equalTo("STARTED"));
        assertThat(outboxed(EventType.IMPERSONATION_STARTED, "gl-audit-" + id)).isOne();
    }

    @Test
    void theSameGitLabEventDeliveredTwicePublishesOnce() {
        String id = newAuditId();
        String event = auditEvent(id, "1", newUserId(), "Started Impersonation", "2026-11-28T13:00:00Z");
        receive(TOKEN, "application/json", event).statusCode(200).body("outcome", equalTo("STARTED"));
        receive(TOKEN, "application/x-www-form-urlencoded", event).statusCode(200).body("outcome", equalTo("DUPLICATE"));
        assertThat(outboxed(EventType.IMPERSONATION_STARTED, "gl-audit-" + id)).isOne();
    }

    @Test
    void otherAuditEventsAreAcknowledgedAndIgnoredAndBrokenOnesRefused() {
        String id = newAuditId();
        String other = auditEvent(id, "1", newUserId(), "Started Impersonation", "2026-11-28T14:00:00Z")
                .replace("user_impersonation", "project_created");
        receive(TOKEN, "application/json", other).statusCode(200).body("outcome", equalTo("IGNORED"));
        assertThat(outboxed(EventType.IMPERSONATION_STARTED, "gl-audit-" + id)).isZero();

        receive(TOKEN, "application/json", "not json").statusCode(400)
                .contentType(startsWith("application/problem+json"));
        String noTarget = auditEvent(newAuditId(), "1", "", "Started Impersonation", "2026-11-28T14:00:00Z")
                .replace("\"target_id\": \"\",", "").replace("\"target_id\": \"\"", "\"x\": 1");
        receive(TOKEN, "application/json", noTarget).statusCode(400).body("detail", equalTo(
                "impersonation audit event without target_id"));
    }

    private boolean auditIdRecorded(String id) {
        return QuarkusTransaction.requiringNew().call(() -> !em.createNativeQuery(
                "select 1 from gitlab_audit_event where id = ?1").setParameter(1, id).getResultList().isEmpty());
    }

    private static ValidatableResponse receive(String token, String contentType, String body) {
        var request = given().contentType(contentType).body(body);
        if (token != null) {
            request.header("X-Gitlab-Event-Streaming-Token", token);
        }
        return request.post("/gitlab/audit-events").then();
    }

    private static String newAuditId() {
        return Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L));
    }

    /** An audit event as GitLab streams it (author = admin, target = impersonated user). */
    static String auditEvent(String id, String adminId, String userId, String message, String createdAt) {
        return """
                {"id": "%s", "author_id": %s, "entity_id": "%s", "entity_type": "User", "entity_path": "jdoe",
                 "details": {"author_name": "root", "author_email": "admin@example.com", "target_id": "%s",
                             "target_type": "User", "target_details": "jdoe", "custom_message": "%s",
                             "ip_address": "203.0.113.7", "entity_path": "jdoe"},
                 "ip_address": "203.0.113.7", "author_name": "root", "target_details": "jdoe",
                 "created_at": "%s", "target_type": "User", "target_id": "%s", "event_type": "user_impersonation"}"""
                .formatted(id, adminId, userId, userId, message, createdAt, userId);
    }
}
