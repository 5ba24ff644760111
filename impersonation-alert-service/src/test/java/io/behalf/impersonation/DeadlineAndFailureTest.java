package io.behalf.impersonation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Person;
import io.behalf.events.Topics;
import io.behalf.events.impersonation.ConfirmationRequested;
import io.behalf.events.impersonation.ImpersonationStarted;
import io.behalf.events.impersonation.ImpersonationUnconfirmed;
import io.behalf.impersonation.TestSlack.Admin;
import io.behalf.impersonation.confirmation.Deadlines;
import io.behalf.impersonation.slack.SlackMessages;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** No answer in time, and a DM that cannot be delivered: both end in the security channel, once. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ExternalApisStub.class, scope = TestResourceScope.GLOBAL)
class DeadlineAndFailureTest extends ServiceTestSupport {

    @Inject
    Deadlines deadlines;

    @Test
    void noAnswerByTheDeadlineIsEscalatedExactlyOnceEvenWithTwoInstancesClaiming() throws Exception {
        Admin admin = TestSlack.newAdmin();
        ImpersonationStarted started = startedEvent(admin, newUserId(), null);
        startAndAwaitDm(started);
        String id = started.impersonationId();
        Instant deadline = Instant.parse(confirmation(id).getString("deadline"));
        assertThat(deadline).isAfter(Instant.now().plusSeconds(9 * 60)); // %test confirm-within is 10m

        try (var events = TestKafka.fromNow(Topics.IMPERSONATION_EVENTS)) {
            // the deadline passes: moved into the past rather than waited for
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                    "update confirmation set deadline = now() - interval '1 second' where impersonation_id = ?1")
                    .setParameter(1, id).executeUpdate());
            // two "instances" claim at the same moment, while this instance's own scheduler runs too
            CyclicBarrier together = new CyclicBarrier(2);
            List<CompletableFuture<Integer>> claims = List.of(claimAfter(together), claimAfter(together));
            assertThat(claims.stream().mapToInt(CompletableFuture::join).sum())
                    .as("at most one of the two claimed it (the scheduler may have been first)").isLessThanOrEqualTo(1);

            ConsumerRecord<String, String> unconfirmed = events.await(TestKafka.ofType(EventType.IMPERSONATION_UNCONFIRMED)
                    .and(r -> id.equals(TestKafka.header(r, "ce_subject"))), WITHIN);
            assertThat(unconfirmed.key()).isEqualTo(started.user().userId());
            Instant claimedDeadline = EventJson.read(unconfirmed.value(), ImpersonationUnconfirmed.class).deadline();
            assertThat(claimedDeadline).isBefore(Instant.now());
        }
        awaitSlackTask(id, "SECURITY_ALERT", "DONE");
        awaitSlackTask(id, "MESSAGE_UPDATE", "DONE");
        assertThat(outboxed(EventType.IMPERSONATION_UNCONFIRMED, id)).isOne();
        assertThat(TestSlack.securityAlertsAbout(id)).hasSize(1);
        assertThat(TestSlack.form(TestSlack.securityAlertsAbout(id).get(0)).get("text"))
                .startsWith(":rotating_light: Impersonation not confirmed by the deadline: admin " + admin.username());
        assertThat(TestSlack.form(TestSlack.calls("chat.update", Map.of("channel", admin.channel())).get(0)).get("text"))
                .startsWith(":hourglass: Not answered by");
        var view = confirmation(id);
        assertThat(view.getString("state")).isEqualTo("UNCONFIRMED");
        assertThat(view.getList("history.findAll { it.event == 'UNCONFIRMED' }")).hasSize(1);

        // a claim after the escalation finds nothing, and a late answer changes nothing
        assertThat(deadlines.escalateOverdue()).isZero();
        TestSlack.press(id, admin.slackUserId(), SlackMessages.CONFIRM_ACTION)
                .statusCode(200).body("outcome", equalTo("ALREADY_DECIDED"));
        assertThat(outboxed(EventType.IMPERSONATION_CONFIRMED, id)).isZero();
    }

    @Test
    void anAdminNamedWithoutEmailIsLookedUpInGitLabBeforeSlack() {
        Admin admin = TestSlack.newAdmin();
        TestSlack.stub().register(get(urlEqualTo("/gitlab/api/v4/users/" + admin.gitlabUserId()))
                .withHeader("PRIVATE-TOKEN", WireMock.equalTo("test-gitlab-admin-token"))
                .willReturn(okJson("{\"id\": " + admin.gitlabUserId() + ", \"username\": \"" + admin.username()
                        + "\", \"email\": \"" + admin.email() + "\"}")));
        ImpersonationStarted fromTheStream = startedEvent(admin, newUserId(), null);
        // GitLab's audit stream carries the admin's id and display name, no email
        ImpersonationStarted started = new ImpersonationStarted(fromTheStream.impersonationId(),
                new Person(admin.gitlabUserId(), admin.username(), null), fromTheStream.user(), fromTheStream.ip(),
                fromTheStream.startedAt(), null);

        ConsumerRecord<String, String> requested = startAndAwaitDm(started);

        assertThat(EventJson.read(requested.value(), ConfirmationRequested.class).slackChannel()).isEqualTo(admin.channel());
        assertThat(TestSlack.stub().find(getRequestedFor(urlEqualTo("/gitlab/api/v4/users/" + admin.gitlabUserId()))))
                .hasSize(1);
        assertThat(TestSlack.calls("users.lookupByEmail", Map.of("email", admin.email()))).hasSize(1);
    }

    @Test
    void anAdminSlackDoesNotKnowIsNotRetriedAndSecurityIsAlerted() {
        // registered in GitLab, unknown to Slack: users.lookupByEmail answers users_not_found
        Admin stranger = new Admin("91", "ghost", "ghost-" + System.nanoTime() + "@example.com", "U0GHOST", "D0GHOST");
        ImpersonationStarted started = startedEvent(stranger, newUserId(), null);
        TestKafka.send(EventType.IMPERSONATION_STARTED, started.user().userId(), started);
        String id = started.impersonationId();

        awaitSlackTask(id, "SECURITY_ALERT", "DONE");
        var view = confirmation(id);
        assertThat(view.getString("slack.find { it.kind == 'DIRECT_MESSAGE' }.status")).isEqualTo("FAILED");
        assertThat(view.getInt("slack.find { it.kind == 'DIRECT_MESSAGE' }.attempts")).isEqualTo(1);
        assertThat(TestSlack.calls("users.lookupByEmail", Map.of("email", stranger.email()))).hasSize(1);
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> alerts = TestSlack.securityAlertsAbout(id);
        assertThat(alerts).hasSize(1);
        assertThat(TestSlack.blocks(alerts.get(0)).get(0).path("text").path("text").asText())
                .contains("Asking the admin in Slack failed: users.lookupByEmail failed: users_not_found");
        assertThat(outboxed(EventType.IMPERSONATION_CONFIRMATION_REQUESTED, id)).isZero();
        // the deadline still runs: no answer will still escalate as unconfirmed
        assertThat(view.getString("state")).isEqualTo("AWAITING_ANSWER");
    }

    @Test
    void aDmThatKeepsFailingIsRetriedUpToTheBudgetThenSecurityIsAlerted() {
        Admin admin = TestSlack.newAdmin();
        TestSlack.stub().register(post(urlEqualTo("/api/chat.postMessage"))
                .withFormParam("channel", WireMock.equalTo(admin.channel()))
                .willReturn(aResponse().withStatus(503)));
        ImpersonationStarted started = startedEvent(admin, newUserId(), null);
        TestKafka.send(EventType.IMPERSONATION_STARTED, started.user().userId(), started);
        String id = started.impersonationId();

        awaitSlackTask(id, "SECURITY_ALERT", "DONE");
        // %test budget: 3 attempts
        assertThat(TestSlack.calls("chat.postMessage", Map.of("channel", admin.channel()))).hasSize(3);
        var view = confirmation(id);
        assertThat(view.getString("slack.find { it.kind == 'DIRECT_MESSAGE' }.status")).isEqualTo("FAILED");
        assertThat(view.getString("slack.find { it.kind == 'DIRECT_MESSAGE' }.lastError"))
                .isEqualTo("chat.postMessage answered HTTP 503");
        assertThat(TestSlack.securityAlertsAbout(id)).hasSize(1);
        assertThat(outboxed(EventType.IMPERSONATION_CONFIRMATION_REQUESTED, id)).isZero();
    }

    private CompletableFuture<Integer> claimAfter(CyclicBarrier together) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                together.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return deadlines.escalateOverdue();
        });
    }
}
