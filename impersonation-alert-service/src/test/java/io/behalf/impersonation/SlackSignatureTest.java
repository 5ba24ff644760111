package io.behalf.impersonation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.behalf.events.EventType;
import io.behalf.events.impersonation.ImpersonationStarted;
import io.behalf.impersonation.TestSlack.Admin;
import io.behalf.impersonation.slack.SlackMessages;
import io.behalf.testing.BehalfTestInfrastructure;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** POST /slack/interactions refuses what Slack did not sign just now, and such a request changes nothing. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ExternalApisStub.class, scope = TestResourceScope.GLOBAL)
class SlackSignatureTest extends ServiceTestSupport {

    /** One confirmation awaiting its answer, shared by the tests below: each tries to confirm it and must fail. */
    private static Admin admin;
    private static String impersonationId;

    private synchronized String awaitingConfirmation() {
        if (impersonationId == null) {
            admin = TestSlack.newAdmin();
            ImpersonationStarted started = startedEvent(admin, newUserId(), null);
            startAndAwaitDm(started);
            impersonationId = started.impersonationId();
        }
        return impersonationId;
    }

    @Test
    void aWrongSignatureIsRefused() {
        String id = awaitingConfirmation();
        String body = TestSlack.pressBody(id, admin.slackUserId(), SlackMessages.CONFIRM_ACTION);
        long now = Instant.now().getEpochSecond();
        TestSlack.send(body, Long.toString(now), TestSlack.sign("not-the-secret", now, body))
                .statusCode(401).contentType(startsWith("application/problem+json"))
                .body("detail", equalTo("the Slack signature does not match"));
        // signed over a different body than the one sent
        TestSlack.send(body.replace(SlackMessages.CONFIRM_ACTION, SlackMessages.DISPUTE_ACTION), Long.toString(now),
                TestSlack.sign(TestSlack.SIGNING_SECRET, now, body)).statusCode(401);
        TestSlack.send(body, null, null).statusCode(401);
        assertUnchanged(id);
    }

    @Test
    void aStaleTimestampIsRefusedEvenWhenCorrectlySigned() {
        String id = awaitingConfirmation();
        String body = TestSlack.pressBody(id, admin.slackUserId(), SlackMessages.CONFIRM_ACTION);
        long stale = Instant.now().minusSeconds(5 * 60 + 30).getEpochSecond();
        TestSlack.send(body, Long.toString(stale), TestSlack.sign(TestSlack.SIGNING_SECRET, stale, body))
                .statusCode(401).body("detail", equalTo("the Slack request timestamp is outside the five-minute window"));
        assertUnchanged(id);
    }

    @Test
    void aFutureTimestampIsRefusedEvenWhenCorrectlySigned() {
        String id = awaitingConfirmation();
        String body = TestSlack.pressBody(id, admin.slackUserId(), SlackMessages.CONFIRM_ACTION);
        long future = Instant.now().plusSeconds(5 * 60 + 30).getEpochSecond();
        TestSlack.send(body, Long.toString(future), TestSlack.sign(TestSlack.SIGNING_SECRET, future, body))
                .statusCode(401).body("detail", equalTo("the Slack request timestamp is outside the five-minute window"));
        assertUnchanged(id);
    }

    private void assertUnchanged(String id) {
        var view = confirmation(id);
        assertThat(view.getString("state")).isEqualTo("AWAITING_ANSWER");
        assertThat(view.getList("history.event")).containsExactly("STARTED", "DM_SENT");
        assertThat(outboxed(EventType.IMPERSONATION_CONFIRMED, id)).isZero();
        assertThat(outboxed(EventType.IMPERSONATION_DISPUTED, id)).isZero();
    }
}
