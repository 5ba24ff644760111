package io.behalf.consent.consent;

import static io.behalf.consent.ConsentTesting.WITHIN;
import static io.behalf.consent.ConsentTesting.newId;
import static io.behalf.consent.ConsentTesting.openTicket;
import static io.behalf.consent.ConsentTesting.request;
import static io.behalf.consent.ConsentTesting.verifyOwnership;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.behalf.consent.ConsentTesting;
import io.behalf.consent.gitlab.GitLabStub;
import io.behalf.events.Action;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Target;
import io.behalf.events.TargetKind;
import io.behalf.events.Topics;
import io.behalf.events.consent.ConsentRequested;
import io.behalf.events.consent.Granter;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.behalf.testing.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** POST /consents: the question asked, who may answer it, and the requests that must be refused (rules 1-3). */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GitLabStub.class, scope = TestResourceScope.GLOBAL)
class ConsentRequestTest {

    @Inject
    EntityManager em;

    @Test
    void aRequestPublishesConsentRequestedFieldForFieldWithTheExactQuestion() {
        String ticket = openTicket(newId(), "jdoe@example.com");
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            ExtractableResponse<Response> created = request(ticket, "RERUN_PIPELINES", "PROJECT", "278964", "acme/backend",
                    "pipeline #812 on main").statusCode(201)
                    .body("status", equalTo("PENDING"))
                    .body("granter", equalTo("OWNER_OR_MAINTAINER"))
                    .body("requestedBy", equalTo("alice")).extract();
            String consentId = created.path("consentId");
            String message = created.path("message");
            assertThat(message).isEqualTo("Could you please provide permission for Support to re-run one or more "
                    + "pipelines in project `acme/backend` (pipeline #812 on main) to investigate the issue you've "
                    + "described? Replying in this ticket stating you provide permission will be sufficient.");

            ConsumerRecord<String, String> record = events.await(ConsentTesting.event(EventType.CONSENT_REQUESTED, consentId), WITHIN);
            assertThat(record.key()).isEqualTo(ticket);
            ConsentRequested event = EventJson.read(record.value(), ConsentRequested.class);
            assertThat(event).isEqualTo(new ConsentRequested(consentId, ticket, Action.RERUN_PIPELINES,
                    new Target(TargetKind.PROJECT, "278964", "acme/backend"), "pipeline #812 on main", "alice",
                    Granter.OWNER_OR_MAINTAINER, message, Instant.parse(created.path("expiresAt"))));
            assertThat(fieldNames(record.value())).containsExactlyInAnyOrder("consentId", "ticketId", "action", "target",
                    "details", "requestedBy", "granter", "message", "expiresAt");
            assertThat(TestKafka.header(record, "ce_source")).isEqualTo("/behalf/consent-service");
        }
    }

    @Test
    void rule3AConfirmedAccountNeedsAnOwnershipVerificationOnTheTicketFirst() {
        String account = newId();
        GitLabStub.account(account, true);
        String ticket = openTicket(account, "holder@example.com");

        request(ticket, "VIEW_PRIVATE_DATA", "USER", account, "holder", null).statusCode(409)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("https://behalf.io/problems/ownership-verification-required"));
        assertThat(consentsOn(ticket)).isZero();

        verifyOwnership(ticket, account, em);
        request(ticket, "VIEW_PRIVATE_DATA", "USER", account, "holder", null).statusCode(201)
                .body("granter", equalTo("ACCOUNT_HOLDER"));
    }

    @Test
    void rule3OnAnUnconfirmedAccountTheOnlyActionIsAnEmailTypoFix() {
        String account = newId();
        GitLabStub.account(account, false);
        String ticket = openTicket(account, "holder@exmaple.com");

        request(ticket, "IMPERSONATE_USER", "USER", account, "holder", null).statusCode(422)
                .body("type", equalTo("https://behalf.io/problems/unconfirmed-account"));
        request(ticket, "CHANGE_ACCOUNT_EMAIL", "USER", account, "holder", "to holder@example.com").statusCode(422)
                .body("type", equalTo("https://behalf.io/problems/unconfirmed-account"));
        assertThat(consentsOn(ticket)).isZero();

        request(ticket, "EMAIL_TYPO_FIX", "USER", account, "holder", "from holder@exmaple.com to holder@example.com")
                .statusCode(201).body("message", containsString("holder@example.com"));
    }

    @Test
    void whenGitLabCannotSayWhetherTheAccountIsConfirmedNothingIsAsked() {
        String account = newId();
        GitLabStub.accountDown(account);
        String ticket = openTicket(account, "holder@example.com");
        request(ticket, "EMAIL_TYPO_FIX", "USER", account, "holder", "to holder@example.com").statusCode(503)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("https://behalf.io/problems/gitlab-unavailable"));
        assertThat(consentsOn(ticket)).isZero();
    }

    @Test
    void releasingTheRequestersOwnAddressIsTheRequestersToAllow() {
        String account = newId();
        GitLabStub.account(account, true);
        String ticket = openTicket(newId(), "Lost.Person@example.com");
        verifyOwnership(ticket, account, em);
        request(ticket, "RELEASE_EMAIL", "USER", account, "old-account", "lost.person@example.com").statusCode(201)
                .body("granter", equalTo("TICKET_REQUESTER"))
                .body("message", containsString("`lost.person+release@example.com`"));
    }

    @Test
    void requestsThatCannotBeAskedAreRefusedAsProblemsAndStoreNothing() {
        String ticket = openTicket(newId(), "x@example.com");
        request(ticket, "RERUN_PIPELINES", "GROUP", "77", "acme", null).statusCode(422)
                .body("type", equalTo("https://behalf.io/problems/action-target-mismatch"));
        request(ticket, "OTHER", "PROJECT", "278964", "acme/backend", null).statusCode(422)
                .body("type", equalTo("https://behalf.io/problems/details-required"));
        request(ticket, "RELEASE_EMAIL", "USER", newId(), "someone", "the old one").statusCode(422)
                .body("type", equalTo("https://behalf.io/problems/details-required"));
        request("ZD-never-opened-" + newId(), "VIEW_PRIVATE_DATA", "PROJECT", "1", "a/b", null).statusCode(422)
                .body("type", equalTo("https://behalf.io/problems/unknown-ticket"));
        request(ticket, "FLY_TO_THE_MOON", "PROJECT", "1", "a/b", null).statusCode(400)
                .contentType(startsWith("application/problem+json"));
        given().header("Authorization", Tokens.bearer("alice", "support-engineer")).contentType(ContentType.JSON)
                .body("{\"action\": \"VIEW_PRIVATE_DATA\"}").post("/consents").then().statusCode(400)
                .body("detail", containsString("ticketId"));
        assertThat(consentsOn(ticket)).isZero();

        request(ticket, "VIEW_PRIVATE_DATA", "PROJECT", "278964", "acme/backend", null).statusCode(201);
        request(ticket, "VIEW_PRIVATE_DATA", "PROJECT", "278964", "acme/backend", null).statusCode(409)
                .body("type", equalTo("https://behalf.io/problems/consent-already-open"));
        assertThat(consentsOn(ticket)).isEqualTo(1);
    }

    @Test
    void onlySupportEngineersMayAskAndOnlyEngineersAndAuditorsMayRead() {
        String ticket = openTicket(newId(), "x@example.com");
        String body = """
                {"ticketId": "%s", "action": "VIEW_PRIVATE_DATA", "target": {"kind": "PROJECT", "id": "5", "path": "a/b"}}"""
                .formatted(ticket);
        given().contentType(ContentType.JSON).body(body).post("/consents").then().statusCode(401)
                .contentType(startsWith("application/problem+json"));
        given().header("Authorization", Tokens.bearer("bob", "auditor")).contentType(ContentType.JSON).body(body)
                .post("/consents").then().statusCode(403).contentType(startsWith("application/problem+json"));
        assertThat(consentsOn(ticket)).isZero();

        String consentId = ConsentTesting.requested(ticket, "VIEW_PRIVATE_DATA", "PROJECT", "5", "a/b", null);
        given().header("Authorization", Tokens.bearer("bob", "auditor")).get("/consents/" + consentId).then()
                .statusCode(200).body("history[0].event", equalTo("REQUESTED"));
        given().header("Authorization", Tokens.bearer("bob", "auditor")).queryParam("ticketId", ticket).get("/consents")
                .then().statusCode(200).body("[0].consentId", equalTo(consentId));
        given().header("Authorization", Tokens.bearer("carol", "support-manager")).get("/consents/" + consentId).then()
                .statusCode(403);
        given().header("Authorization", Tokens.bearer("bob", "auditor")).get("/consents/" + java.util.UUID.randomUUID())
                .then().statusCode(404).contentType(startsWith("application/problem+json"));
        given().header("Authorization", Tokens.bearer("bob", "auditor")).get("/consents").then().statusCode(400)
                .contentType(startsWith("application/problem+json"));
        // "may I act now?" is the engineer's question; an auditor reads state and history instead
        given().header("Authorization", Tokens.bearer("bob", "auditor")).queryParam("ticketId", ticket)
                .queryParam("action", "VIEW_PRIVATE_DATA").queryParam("targetKind", "PROJECT").queryParam("targetId", "5")
                .get("/consents/check").then().statusCode(403);
        given().queryParam("ticketId", ticket).queryParam("action", "VIEW_PRIVATE_DATA")
                .queryParam("targetKind", "PROJECT").queryParam("targetId", "5").get("/consents/check").then()
                .statusCode(401);
    }

    private long consentsOn(String ticket) {
        return QuarkusTransaction.requiringNew().call(() -> Consent.count("ticketId", ticket));
    }

    private static Set<String> fieldNames(String json) {
        JsonNode node = EventJson.tree(EventJson.read(json, JsonNode.class));
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            names.add(it.next());
        }
        return names;
    }
}
