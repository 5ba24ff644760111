package io.behalf.consent.consent;

import static io.behalf.consent.ConsentTesting.WITHIN;
import static io.behalf.consent.ConsentTesting.comment;
import static io.behalf.consent.ConsentTesting.event;
import static io.behalf.consent.ConsentTesting.newId;
import static io.behalf.consent.ConsentTesting.openTicket;
import static io.behalf.consent.ConsentTesting.outboxCount;
import static io.behalf.consent.ConsentTesting.replyState;
import static io.behalf.consent.ConsentTesting.requested;
import static io.behalf.consent.ConsentTesting.sql;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.behalf.consent.gitlab.GitLabStub;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.TargetKind;
import io.behalf.events.Topics;
import io.behalf.events.consent.ConsentExpired;
import io.behalf.events.consent.ConsentRevoked;
import io.behalf.events.consent.ExpiryReason;
import io.behalf.events.consent.ReviewDecided;
import io.behalf.events.consent.ReviewRequested;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.behalf.testing.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Rule 5 and the state machine: deadlines, revocation, review; illegal transitions change nothing. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GitLabStub.class, scope = TestResourceScope.GLOBAL)
class ConsentLifecycleTest {

    @Inject
    EntityManager em;
    @Inject
    ConsentDeadlines deadlines;

    @Test
    void anUnansweredRequestExpiresOnceAndALateGrantChangesNothing() {
        String project = newId();
        String owner = newId();
        GitLabStub.member(TargetKind.PROJECT, project, owner, 50);
        String ticket = openTicket(owner, "o@example.com");
        String consentId;
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            consentId = requested(ticket, "DELETE_PROJECT", "PROJECT", project, "acme/old", null);
            sql(em, "update consent set expires_at = now() - interval '1 second' where id = ?1", UUID.fromString(consentId));
            assertThat(EventJson.read(events.await(event(EventType.CONSENT_EXPIRED, consentId), WITHIN).value(),
                    ConsentExpired.class)).isEqualTo(new ConsentExpired(consentId, ticket, ExpiryReason.TTL));
        }
        String late = comment(ticket, owner, "I provide permission.", true);
        await().atMost(WITHIN).until(() -> "DONE".equals(replyState(em, ticket, late)));
        assertThat(outboxCount(em, EventType.CONSENT_GRANTED, consentId)).isZero();
        assertThat(outboxCount(em, EventType.CONSENT_EXPIRED, consentId)).isEqualTo(1);
        assertThat(view(consentId).extract().<String>path("status")).isEqualTo("EXPIRED");

        review(consentId, "APPROVED").statusCode(409).contentType(startsWith("application/problem+json"))
                .body("type", equalTo("https://behalf.io/problems/illegal-transition"));
        assertThat(outboxCount(em, EventType.CONSENT_REVIEW_DECIDED, consentId)).isZero();
    }

    @Test
    void aGrantEndsAtItsTimeEvenBeforeTheSweepAndExpiresExactlyOnceWhenInstancesRace() throws Exception {
        String project = newId();
        String owner = newId();
        GitLabStub.member(TargetKind.PROJECT, project, owner, 40);
        String ticket = openTicket(owner, "o@example.com");
        String consentId;
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            consentId = requested(ticket, "VIEW_PRIVATE_DATA", "PROJECT", project, "acme/app", null);
            comment(ticket, owner, "Yes, I provide permission.", true);
            events.await(event(EventType.CONSENT_GRANTED, consentId), WITHIN);
        }
        check(ticket, "VIEW_PRIVATE_DATA", project).body("allowed", equalTo(true));

        // many consents due at once, swept by two "instances" at the same moment as the scheduler
        List<String> more = List.of(
                requested(openTicket(owner, "o@example.com"), "VIEW_PRIVATE_DATA", "PROJECT", project, "acme/app", null),
                requested(openTicket(owner, "o@example.com"), "VIEW_PRIVATE_DATA", "PROJECT", project, "acme/app", null),
                requested(openTicket(owner, "o@example.com"), "VIEW_PRIVATE_DATA", "PROJECT", project, "acme/app", null));
        sql(em, """
                update consent set valid_until = now() - interval '1 second' where id = ?1;
                """, UUID.fromString(consentId));
        check(ticket, "VIEW_PRIVATE_DATA", project).body("allowed", equalTo(false));
        for (String id : more) {
            sql(em, "update consent set expires_at = now() - interval '1 second' where id = ?1", UUID.fromString(id));
        }
        CompletableFuture<Integer> one = CompletableFuture.supplyAsync(deadlines::sweep);
        CompletableFuture<Integer> two = CompletableFuture.supplyAsync(deadlines::sweep);
        one.get();
        two.get();
        await().atMost(WITHIN).until(() -> QuarkusTransaction.requiringNew().call(() -> Consent.<Consent>findById(
                UUID.fromString(consentId)).status == ConsentStatus.EXPIRED));
        assertThat(outboxCount(em, EventType.CONSENT_EXPIRED, consentId)).isEqualTo(1);
        for (String id : more) {
            assertThat(outboxCount(em, EventType.CONSENT_EXPIRED, id)).isEqualTo(1);
        }
        check(ticket, "VIEW_PRIVATE_DATA", project).body("allowed", equalTo(false));
    }

    @Test
    void revokingEndsAConsentOnceAndRevokingAgainIsRefusedAndChangesNothing() {
        String ticket = openTicket(newId(), "x@example.com");
        String consentId = requested(ticket, "VIEW_PRIVATE_DATA", "PROJECT", newId(), "acme/x", null);
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            revoke(consentId, "carol", "support-manager", "asked the wrong question").statusCode(200)
                    .body("status", equalTo("REVOKED"));
            assertThat(EventJson.read(events.await(event(EventType.CONSENT_REVOKED, consentId), WITHIN).value(),
                    ConsentRevoked.class)).isEqualTo(new ConsentRevoked(consentId, ticket, "carol",
                            "asked the wrong question"));
        }
        int history = view(consentId).extract().<List<?>>path("history").size();

        revoke(consentId, "alice", "support-engineer", "again").statusCode(409)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("https://behalf.io/problems/illegal-transition"));
        assertThat(outboxCount(em, EventType.CONSENT_REVOKED, consentId)).isEqualTo(1);
        view(consentId).body("history.size()", equalTo(history)).body("endReason", equalTo("asked the wrong question"));

        revoke(consentId, "bob", "auditor", "not mine").statusCode(403);
        revoke(UUID.randomUUID().toString(), "alice", "support-engineer", "nothing").statusCode(404);
        given().header("Authorization", Tokens.bearer("alice", "support-engineer")).contentType(ContentType.JSON)
                .body("{}").post("/consents/" + consentId + "/revoke").then().statusCode(400)
                .contentType(startsWith("application/problem+json"));
    }

    @Test
    void aManagerReviewsWhatAnEngineerWasInDoubtAboutAndUntilThenTheGrantAllowsNothing() {
        String project = newId();
        String owner = newId();
        GitLabStub.member(TargetKind.PROJECT, project, owner, 50);
        String ticket = openTicket(owner, "o@example.com");
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            String consentId = requested(ticket, "VIEW_CICD_VARIABLES", "PROJECT", project, "acme/app", null);
            comment(ticket, owner, "I provide permission", true);
            events.await(event(EventType.CONSENT_GRANTED, consentId), WITHIN);

            given().header("Authorization", Tokens.bearer("alice", "support-engineer")).contentType(ContentType.JSON)
                    .body("{\"note\": \"the owner replied from a personal address\"}")
                    .post("/consents/" + consentId + "/review-request").then().statusCode(200)
                    .body("reviewStatus", equalTo("REQUESTED"));
            assertThat(EventJson.read(events.await(event(EventType.CONSENT_REVIEW_REQUESTED, consentId), WITHIN)
                    .value(), ReviewRequested.class)).isEqualTo(new ReviewRequested(consentId, ticket, null, null,
                            "requested by alice: the owner replied from a personal address"));
            check(ticket, "VIEW_CICD_VARIABLES", project).body("allowed", equalTo(false));

            given().header("Authorization", Tokens.bearer("alice", "support-engineer")).contentType(ContentType.JSON)
                    .body("{\"decision\": \"APPROVED\"}").post("/consents/" + consentId + "/review").then()
                    .statusCode(403);
            review(consentId, "APPROVED").statusCode(200).body("reviewStatus", equalTo("APPROVED"));
            assertThat(EventJson.read(events.await(event(EventType.CONSENT_REVIEW_DECIDED, consentId), WITHIN)
                    .value(), ReviewDecided.class)).isEqualTo(new ReviewDecided(consentId, ticket, "carol", "APPROVED",
                            "checked the membership"));
            check(ticket, "VIEW_CICD_VARIABLES", project).body("allowed", equalTo(true));

            review(consentId, "REJECTED").statusCode(409)
                    .body("type", equalTo("https://behalf.io/problems/review-already-decided"));
            assertThat(outboxCount(em, EventType.CONSENT_REVIEW_DECIDED, consentId)).isEqualTo(1);
        }
    }

    private static ValidatableResponse review(String consentId, String decision) {
        return given().header("Authorization", Tokens.bearer("carol", "support-manager")).contentType(ContentType.JSON)
                .body("{\"decision\": \"%s\", \"note\": \"checked the membership\"}".formatted(decision))
                .post("/consents/" + consentId + "/review").then();
    }

    private static ValidatableResponse revoke(String consentId, String user, String role, String reason) {
        return given().header("Authorization", Tokens.bearer(user, role)).contentType(ContentType.JSON)
                .body("{\"reason\": \"%s\"}".formatted(reason)).post("/consents/" + consentId + "/revoke").then();
    }

    private static ValidatableResponse view(String consentId) {
        return given().header("Authorization", Tokens.bearer("bob", "auditor")).get("/consents/" + consentId).then()
                .statusCode(200);
    }

    private static ValidatableResponse check(String ticket, String action, String project) {
        return given().header("Authorization", Tokens.bearer("alice", "support-engineer"))
                .queryParam("ticketId", ticket).queryParam("action", action).queryParam("targetKind", "PROJECT")
                .queryParam("targetId", project).get("/consents/check").then().statusCode(200);
    }
}
