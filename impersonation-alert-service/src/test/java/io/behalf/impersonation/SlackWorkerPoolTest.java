package io.behalf.impersonation;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.behalf.events.impersonation.ImpersonationStarted;
import io.behalf.impersonation.TestSlack.Admin;
import io.behalf.impersonation.confirmation.Confirmation;
import io.behalf.impersonation.confirmation.ConfirmationState;
import io.behalf.impersonation.slack.SlackMessages;
import io.behalf.impersonation.slack.SlackTask.Kind;
import io.behalf.impersonation.slack.SlackTasks;
import io.behalf.testing.BehalfTestInfrastructure;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Slack worker pool: different impersonations' Slack calls are made at the same time, each task by one worker
 * only, and one impersonation's tasks one after the other. Slack answers the slow call after {@link #DELAY_MS};
 * whether two calls were in flight at once is read from the stub's journal (when each arrived), not from how long
 * the test took.
 */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ExternalApisStub.class, scope = TestResourceScope.GLOBAL)
class SlackWorkerPoolTest extends ServiceTestSupport {

    @Inject
    SlackTasks slackTasks;

    /** well inside the SDK's 10 s call timeout, long against a lease (milliseconds) */
    private static final int DELAY_MS = 2_000;

    @Test
    void dmsOfDifferentImpersonationsAreSentAtTheSameTimeEachOnce() {
        List<Admin> admins = new ArrayList<>();
        List<ImpersonationStarted> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Admin admin = TestSlack.newAdmin();
            slowPostsTo(admin.channel());
            admins.add(admin);
            started.add(startedEvent(admin, newUserId(), null));
        }
        // three impersonations recorded in one transaction, as the consumer records one: three DMs due at once
        // (through Kafka they would arrive as the consumer reaches each partition)
        QuarkusTransaction.requiringNew().run(() -> started.forEach(this::record));

        started.forEach(s -> awaitSlackTask(s.impersonationId(), "DIRECT_MESSAGE", "DONE"));

        List<Long> arrivals = new ArrayList<>();
        for (Admin admin : admins) {
            // one worker per task: a second one on the same DM would have looked the admin up and posted again
            assertThat(TestSlack.calls("users.lookupByEmail", Map.of("email", admin.email()))).hasSize(1);
            List<LoggedRequest> posts = TestSlack.calls("chat.postMessage", Map.of("channel", admin.channel()));
            assertThat(posts).hasSize(1);
            arrivals.add(posts.get(0).getLoggedDate().getTime());
        }
        long spread = arrivals.stream().mapToLong(Long::longValue).max().orElseThrow()
                - arrivals.stream().mapToLong(Long::longValue).min().orElseThrow();
        // one at a time, each DM would have been posted after the one before was answered (≥ 2 × DELAY_MS apart)
        assertThat(spread).as("the last of the three DMs was posted while the first was still waiting for its answer")
                .isLessThan(DELAY_MS);
    }

    @Test
    void oneImpersonationsTasksAreWorkedOneAfterTheOther() {
        Admin admin = TestSlack.newAdmin();
        ImpersonationStarted started = startedEvent(admin, newUserId(), null);
        startAndAwaitDm(started);
        String id = started.impersonationId();
        TestSlack.stub().register(post(urlEqualTo("/api/chat.update"))
                .withFormParam("channel", WireMock.equalTo(admin.channel()))
                .willReturn(okJson("{\"ok\": true}").withFixedDelay(DELAY_MS)));

        // one transaction schedules both the DM's update and the security alert: both are due at once
        TestSlack.press(id, admin.slackUserId(), SlackMessages.DISPUTE_ACTION)
                .statusCode(200).body("outcome", equalTo("DISPUTED"));

        awaitSlackTask(id, "SECURITY_ALERT", "DONE");
        awaitSlackTask(id, "MESSAGE_UPDATE", "DONE");
        List<LoggedRequest> updates = TestSlack.calls("chat.update", Map.of("channel", admin.channel()));
        List<LoggedRequest> alerts = TestSlack.securityAlertsAbout(id);
        assertThat(updates).hasSize(1);
        assertThat(alerts).hasSize(1);
        // scheduled first, worked first; the alert only once the update had its answer
        assertThat(alerts.get(0).getLoggedDate().getTime() - updates.get(0).getLoggedDate().getTime())
                .as("the impersonation's second task began after its first was answered")
                .isGreaterThanOrEqualTo(DELAY_MS);
    }

    private void record(ImpersonationStarted started) {
        Instant now = Instant.now();
        Confirmation c = new Confirmation();
        c.impersonationId = started.impersonationId();
        c.adminUserId = started.admin().userId();
        c.adminUsername = started.admin().username();
        c.adminEmail = started.admin().email();
        c.userId = started.user().userId();
        c.username = started.user().username();
        c.ip = started.ip();
        c.startedAt = started.startedAt();
        c.state = ConfirmationState.AWAITING_ANSWER;
        c.deadline = now.plus(Duration.ofMinutes(10));
        c.createdAt = now;
        c.persist();
        slackTasks.schedule(c.impersonationId, Kind.DIRECT_MESSAGE, "ASK");
    }

    private static void slowPostsTo(String channel) {
        TestSlack.stub().register(post(urlEqualTo("/api/chat.postMessage"))
                .withFormParam("channel", WireMock.equalTo(channel))
                .willReturn(okJson("{\"ok\": true, \"channel\": \"" + channel + "\", \"ts\": \"1764324000.000200\"}")
                        .withFixedDelay(DELAY_MS)));
    }
}
