package io.behalf.impersonation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.behalf.events.Action;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Target;
import io.behalf.events.TargetKind;
import io.behalf.events.Topics;
import io.behalf.events.consent.ConsentGranted;
import io.behalf.events.consent.ConsentRevoked;
import io.behalf.events.consent.GrantedBy;
import io.behalf.events.impersonation.ConfirmationRequested;
import io.behalf.events.impersonation.ImpersonationConfirmed;
import io.behalf.events.impersonation.ImpersonationDisputed;
import io.behalf.events.impersonation.ImpersonationStarted;
import io.behalf.impersonation.TestSlack.Admin;
import io.behalf.impersonation.slack.SlackMessages;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The DM to the admin (Slack stubbed over HTTP) and the admin's answer through POST /slack/interactions. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ExternalApisStub.class, scope = TestResourceScope.GLOBAL)
class SlackConfirmationTest extends ServiceTestSupport {

    @Test
    void theDmAsksTheAdminWithButtonsAndNamesTheActiveConsent() {
        Admin admin = TestSlack.newAdmin();
        String userId = newUserId();
        String ticket = "ZD-" + UUID.randomUUID();
        String consentId = UUID.randomUUID().toString();
        grant(consentId, ticket, Action.IMPERSONATE_USER, userId);
        ImpersonationStarted started = startedEvent(admin, userId, null);

        ConsumerRecord<String, String> requested = startAndAwaitDm(started);

        assertThat(requested.key()).isEqualTo(userId);
        assertThat(EventJson.read(requested.value(), ConfirmationRequested.class)).isEqualTo(new ConfirmationRequested(
                started.impersonationId(), admin.channel(), "1764324000.000100", consentId));
        // users.lookupByEmail -> conversations.open -> chat.postMessage, each once, with the bot token
        List<LoggedRequest> lookups = TestSlack.calls("users.lookupByEmail", Map.of("email", admin.email()));
        assertThat(lookups).hasSize(1);
        assertThat(lookups.get(0).getHeader("Authorization")).isEqualTo("Bearer " + TestSlack.BOT_TOKEN);
        assertThat(TestSlack.calls("conversations.open", Map.of("users", admin.slackUserId()))).hasSize(1);
        List<LoggedRequest> posts = TestSlack.calls("chat.postMessage", Map.of("channel", admin.channel()));
        assertThat(posts).hasSize(1);

        JsonNode blocks = TestSlack.blocks(posts.get(0));
        assertThat(blocks.get(0).path("text").path("text").asText())
                .contains(admin.username()).contains("started impersonating *user-" + userId + "*");
        assertThat(fieldTexts(blocks.get(1))).containsExactly(
                "*Impersonated user*\nuser-" + userId + " (GitLab user " + userId + ")",
                "*When*\n" + started.startedAt(),
                "*From IP*\n203.0.113.7",
                "*Ticket*\nnone given",
                "*Consent*\n" + consentId + " (IMPERSONATE_USER on ticket " + ticket + ")");
        JsonNode buttons = blocks.get(2).path("elements");
        assertThat(blocks.get(2).path("type").asText()).isEqualTo("actions");
        assertThat(buttons).hasSize(2);
        assertThat(buttons.get(0).path("text").path("text").asText()).isEqualTo("Yes, this was me");
        assertThat(buttons.get(0).path("action_id").asText()).isEqualTo(SlackMessages.CONFIRM_ACTION);
        assertThat(buttons.get(0).path("value").asText()).isEqualTo(started.impersonationId());
        assertThat(buttons.get(1).path("text").path("text").asText()).isEqualTo("No, this was not me");
        assertThat(buttons.get(1).path("action_id").asText()).isEqualTo(SlackMessages.DISPUTE_ACTION);
        assertThat(buttons.get(1).path("style").asText()).isEqualTo("danger");
    }

    @Test
    void withoutAnActiveConsentTheDmSaysSoAndTheEventFlagsIt() {
        Admin admin = TestSlack.newAdmin();
        String userId = newUserId();
        String ticket = "ZD-" + UUID.randomUUID();
        String revoked = UUID.randomUUID().toString();
        // a consent that was granted and then revoked does not count
        grant(revoked, ticket, Action.IMPERSONATE_USER, userId);
        TestKafka.send(EventType.CONSENT_REVOKED, ticket, new ConsentRevoked(revoked, ticket, "alice", "done"));
        await().atMost(WITHIN).until(() -> "ENDED".equals(projectionStatus(revoked)));
        ImpersonationStarted started = startedEvent(admin, userId, ticket);

        ConsumerRecord<String, String> requested = startAndAwaitDm(started);

        assertThat(EventJson.read(requested.value(), ConfirmationRequested.class).consentId()).isNull();
        assertThat(requested.value()).contains("\"consentId\":null");
        JsonNode blocks = TestSlack.blocks(TestSlack.calls("chat.postMessage", Map.of("channel", admin.channel())).get(0));
        assertThat(fieldTexts(blocks.get(1))).contains("*Ticket*\n" + ticket, "*Consent*\n" + SlackMessages.NO_CONSENT);
    }

    @Test
    void aRateLimitedDmIsRetriedAfterRetryAfterAndSentOnce() {
        Admin admin = TestSlack.newAdmin();
        String scenario = "rate-limit-" + admin.channel();
        TestSlack.stub().register(post(urlEqualTo("/api/chat.postMessage")).withFormParam("channel", com.github.tomakehurst.wiremock.client.WireMock.equalTo(admin.channel()))
                .inScenario(scenario).whenScenarioStateIs(STARTED).willSetStateTo("limited")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
        TestSlack.stub().register(post(urlEqualTo("/api/chat.postMessage")).withFormParam("channel", com.github.tomakehurst.wiremock.client.WireMock.equalTo(admin.channel()))
                .inScenario(scenario).whenScenarioStateIs("limited")
                .willReturn(okJson("{\"ok\": true, \"channel\": \"" + admin.channel() + "\", \"ts\": \"1764324999.000900\"}")));
        ImpersonationStarted started = startedEvent(admin, newUserId(), null);

        ConsumerRecord<String, String> requested = startAndAwaitDm(started);

        assertThat(EventJson.read(requested.value(), ConfirmationRequested.class).slackTs()).isEqualTo("1764324999.000900");
        assertThat(TestSlack.calls("chat.postMessage", Map.of("channel", admin.channel()))).hasSize(2);
        // the steps already done are not repeated, and the DM is announced once
        assertThat(TestSlack.calls("users.lookupByEmail", Map.of("email", admin.email()))).hasSize(1);
        assertThat(TestSlack.calls("conversations.open", Map.of("users", admin.slackUserId()))).hasSize(1);
        // before posting again it looked whether the first post had gone through after all
        assertThat(TestSlack.calls("conversations.history", Map.of("channel", admin.channel()))).hasSize(1);
        assertThat(outboxed(EventType.IMPERSONATION_CONFIRMATION_REQUESTED, started.impersonationId())).isOne();
        var view = confirmation(started.impersonationId());
        assertThat(view.getString("slack[0].status")).isEqualTo("DONE");
        assertThat(view.getInt("slack[0].attempts")).isEqualTo(2);
    }

    @Test
    void aDmWhoseAnswerWasLostIsFoundInTheChannelAndNotPostedTwice() {
        Admin admin = TestSlack.newAdmin();
        ImpersonationStarted started = startedEvent(admin, newUserId(), null);
        // Slack posts the DM but the answer is lost (a 502 from a proxy, a timeout, a crash before saving the ts)
        TestSlack.stub().register(post(urlEqualTo("/api/chat.postMessage"))
                .withFormParam("channel", com.github.tomakehurst.wiremock.client.WireMock.equalTo(admin.channel()))
                .willReturn(aResponse().withStatus(502)));
        TestSlack.stub().register(post(urlEqualTo("/api/conversations.history"))
                .withFormParam("channel", com.github.tomakehurst.wiremock.client.WireMock.equalTo(admin.channel()))
                .willReturn(okJson("""
                        {"ok": true, "has_more": false, "messages": [
                          {"type": "message", "ts": "1764325555.000500", "text": "unrelated"},
                          {"type": "message", "ts": "1764325555.000400", "text": "Did you just impersonate?",
                           "metadata": {"event_type": "behalf_impersonation_check",
                                        "event_payload": {"impersonation_id": "%s"}}}]}""".formatted(started.impersonationId()))));

        ConsumerRecord<String, String> requested = startAndAwaitDm(started);

        assertThat(EventJson.read(requested.value(), ConfirmationRequested.class).slackTs()).isEqualTo("1764325555.000400");
        List<LoggedRequest> posts = TestSlack.calls("chat.postMessage", Map.of("channel", admin.channel()));
        assertThat(posts).hasSize(1);
        assertThat(TestSlack.form(posts.get(0)).get("metadata")).contains(started.impersonationId());
        assertThat(TestSlack.form(TestSlack.calls("conversations.history", Map.of("channel", admin.channel())).get(0)))
                .containsEntry("include_all_metadata", "1");
    }

    @Test
    void yesConfirmsAndUpdatesTheMessage() {
        Admin admin = TestSlack.newAdmin();
        ImpersonationStarted started = startedEvent(admin, newUserId(), null);
        startAndAwaitDm(started);
        String id = started.impersonationId();

        try (var events = TestKafka.fromNow(Topics.IMPERSONATION_EVENTS)) {
            TestSlack.press(id, admin.slackUserId(), SlackMessages.CONFIRM_ACTION)
                    .statusCode(200).body("outcome", equalTo("CONFIRMED"));
            ConsumerRecord<String, String> confirmed = events.await(TestKafka.ofType(EventType.IMPERSONATION_CONFIRMED)
                    .and(r -> id.equals(TestKafka.header(r, "ce_subject"))), WITHIN);
            assertThat(confirmed.key()).isEqualTo(started.user().userId());
            ImpersonationConfirmed payload = EventJson.read(confirmed.value(), ImpersonationConfirmed.class);
            assertThat(payload.impersonationId()).isEqualTo(id);
            assertThat(payload.confirmedBy()).isEqualTo(admin.slackUserId());
        }
        awaitSlackTask(id, "MESSAGE_UPDATE", "DONE");
        List<LoggedRequest> updates = TestSlack.calls("chat.update", Map.of("channel", admin.channel()));
        assertThat(updates).hasSize(1);
        assertThat(TestSlack.form(updates.get(0))).containsEntry("ts", "1764324000.000100");
        assertThat(TestSlack.form(updates.get(0)).get("text")).startsWith(":white_check_mark: Confirmed by <@" + admin.slackUserId() + ">");
        assertThat(TestSlack.blocks(updates.get(0)).toString()).doesNotContain("actions");
        var view = confirmation(id);
        assertThat(view.getString("state")).isEqualTo("CONFIRMED");
        assertThat(view.getList("slack.kind")).doesNotContain("SECURITY_ALERT");
    }

    @Test
    void noDisputesUpdatesTheMessageAndAlertsTheSecurityChannel() {
        Admin admin = TestSlack.newAdmin();
        ImpersonationStarted started = startedEvent(admin, newUserId(), null);
        startAndAwaitDm(started);
        String id = started.impersonationId();

        try (var events = TestKafka.fromNow(Topics.IMPERSONATION_EVENTS)) {
            TestSlack.press(id, admin.slackUserId(), SlackMessages.DISPUTE_ACTION)
                    .statusCode(200).body("outcome", equalTo("DISPUTED"));
            ConsumerRecord<String, String> disputed = events.await(TestKafka.ofType(EventType.IMPERSONATION_DISPUTED)
                    .and(r -> id.equals(TestKafka.header(r, "ce_subject"))), WITHIN);
            assertThat(EventJson.read(disputed.value(), ImpersonationDisputed.class).disputedBy()).isEqualTo(admin.slackUserId());
        }
        awaitSlackTask(id, "SECURITY_ALERT", "DONE");
        awaitSlackTask(id, "MESSAGE_UPDATE", "DONE");
        List<LoggedRequest> alerts = TestSlack.securityAlertsAbout(id);
        assertThat(alerts).hasSize(1);
        assertThat(TestSlack.form(alerts.get(0)).get("text")).isEqualTo(":rotating_light: Impersonation disputed: the admin says "
                + "it was not them: admin " + admin.username() + " (GitLab user " + admin.gitlabUserId() + ") impersonated user-"
                + started.user().userId() + " (GitLab user " + started.user().userId() + ").");
        assertThat(TestSlack.blocks(alerts.get(0)).get(0).path("text").path("text").asText())
                .contains("<@" + admin.slackUserId() + "> answered \"No, this was not me\"");
        assertThat(TestSlack.form(TestSlack.calls("chat.update", Map.of("channel", admin.channel())).get(0)).get("text"))
                .contains("The security team has been alerted");
        assertThat(confirmation(id).getString("state")).isEqualTo("DISPUTED");
    }

    @Test
    void aPressByAnotherSlackUserIsRefusedAndRecorded() {
        Admin admin = TestSlack.newAdmin();
        ImpersonationStarted started = startedEvent(admin, newUserId(), null);
        startAndAwaitDm(started);
        String id = started.impersonationId();

        TestSlack.press(id, "U0INTRUDER", SlackMessages.CONFIRM_ACTION)
                .statusCode(200).body("outcome", equalTo("REFUSED_OTHER_USER"));

        var view = confirmation(id);
        assertThat(view.getString("state")).isEqualTo("AWAITING_ANSWER");
        assertThat(view.getList("history.findAll { it.event == 'PRESS_REFUSED' }.actor")).containsExactly("U0INTRUDER");
        assertThat(outboxed(EventType.IMPERSONATION_CONFIRMED, id)).isZero();
        // the admin can still answer
        TestSlack.press(id, admin.slackUserId(), SlackMessages.CONFIRM_ACTION).statusCode(200).body("outcome", equalTo("CONFIRMED"));
    }

    @Test
    void aSecondPressAfterTheDecisionChangesNothing() {
        Admin admin = TestSlack.newAdmin();
        ImpersonationStarted started = startedEvent(admin, newUserId(), null);
        startAndAwaitDm(started);
        String id = started.impersonationId();
        TestSlack.press(id, admin.slackUserId(), SlackMessages.CONFIRM_ACTION).statusCode(200).body("outcome", equalTo("CONFIRMED"));

        TestSlack.press(id, admin.slackUserId(), SlackMessages.DISPUTE_ACTION)
                .statusCode(200).body("outcome", equalTo("ALREADY_DECIDED"));

        var view = confirmation(id);
        assertThat(view.getString("state")).isEqualTo("CONFIRMED");
        assertThat(view.getList("slack.kind")).doesNotContain("SECURITY_ALERT");
        assertThat(view.getList("history.event")).containsSubsequence("CONFIRMED", "PRESS_IGNORED");
        assertThat(outboxed(EventType.IMPERSONATION_DISPUTED, id)).isZero();
        assertThat(outboxed(EventType.IMPERSONATION_CONFIRMED, id)).isOne();
    }

    @Test
    void aReplayedRequestChangesNothing() {
        Admin admin = TestSlack.newAdmin();
        ImpersonationStarted started = startedEvent(admin, newUserId(), null);
        startAndAwaitDm(started);
        String id = started.impersonationId();
        String body = TestSlack.pressBody(id, admin.slackUserId(), SlackMessages.DISPUTE_ACTION);
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        String signature = TestSlack.sign(TestSlack.SIGNING_SECRET, Long.parseLong(timestamp), body);
        TestSlack.send(body, timestamp, signature).statusCode(200).body("outcome", equalTo("DISPUTED"));
        awaitSlackTask(id, "SECURITY_ALERT", "DONE"); // the alert's own history entry comes after commit
        int historyBefore = confirmation(id).getList("history").size();

        TestSlack.send(body, timestamp, signature).statusCode(200).body("outcome", equalTo("REPLAYED"));

        var view = confirmation(id);
        assertThat(view.getList("history")).hasSize(historyBefore);
        assertThat(view.getList("slack.findAll { it.kind == 'SECURITY_ALERT' }")).hasSize(1);
        assertThat(outboxed(EventType.IMPERSONATION_DISPUTED, id)).isOne();
    }

    private String projectionStatus(String consentId) {
        return QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "select status from consent_projection where consent_id = ?1").setParameter(1, consentId)
                .getResultList().stream().findFirst().orElse(null));
    }

    private void grant(String consentId, String ticket, Action action, String userId) {
        TestKafka.send(EventType.CONSENT_GRANTED, ticket, new ConsentGranted(consentId, ticket, action,
                new Target(TargetKind.USER, userId, "user-" + userId), new GrantedBy(userId, "user-" + userId, "ACCOUNT_HOLDER"),
                "c-1", Instant.now().plus(8, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)));
        await().atMost(WITHIN).until(() -> "GRANTED".equals(projectionStatus(consentId)));
    }

    private static List<String> fieldTexts(JsonNode section) {
        return java.util.stream.StreamSupport.stream(section.path("fields").spliterator(), false)
                .map(f -> f.path("text").asText()).toList();
    }
}
