package io.behalf.emailrelease.release;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.behalf.emailrelease.ReleaseTestSupport.awaitOutcome;
import static io.behalf.emailrelease.ReleaseTestSupport.inProgress;
import static io.behalf.emailrelease.ReleaseTestSupport.releaseWithConsent;
import static io.behalf.emailrelease.ReleaseTestSupport.grantedConsent;
import static io.behalf.emailrelease.ReleaseTestSupport.newTicket;
import static io.behalf.emailrelease.ReleaseTestSupport.post;
import static io.behalf.emailrelease.ReleaseTestSupport.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.behalf.emailrelease.gitlab.GitLabStub;
import io.behalf.emailrelease.gitlab.GitLabWireMock;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Topics;
import io.behalf.events.emailrelease.EmailKind;
import io.behalf.events.emailrelease.EmailReleaseCompleted;
import io.behalf.events.emailrelease.EmailReleaseRejected;
import io.behalf.events.emailrelease.ReleaseReason;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** GitLab failing, answering no, or the instance dying between steps: the release still ends once and right. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GitLabWireMock.class, scope = TestResourceScope.GLOBAL)
class GitLabFailuresTest {

    @Test
    void aGitLab500IsRetriedAndTheReleaseThenCompletes() {
        GitLabStub gitlab = GitLabStub.newAccount();
        String old = "retry" + gitlab.accountId + "@example.com";
        gitlab.events("[]").plan("premium").addEmailAccepted().updateUserAccepted().emails(7, old)
                .deleteEmailAccepted(7);
        String scenario = "user-" + gitlab.accountId;
        gitlab.stub(get(urlPathEqualTo(gitlab.users())).inScenario(scenario).whenScenarioStateIs(STARTED)
                .willSetStateTo("up"), aResponse().withStatus(500).withBody("{\"message\":\"500 Internal Server Error\"}"));
        gitlab.stub(get(urlPathEqualTo(gitlab.users())).inScenario(scenario).whenScenarioStateIs("up"),
                GitLabStub.ok(userJson(gitlab, old)));

        EmailReleaseCompleted completed = releaseWithConsent(gitlab.accountId, old, EmailKind.PRIMARY, EmailReleaseCompleted.class);

        assertThat(completed.newEmail()).isEqualTo("retry" + gitlab.accountId + "+release@example.com");
        assertThat(gitlab.requests()).containsExactly(
                "GET " + gitlab.users(),
                "GET " + gitlab.users(),
                "GET " + gitlab.users() + "/events?per_page=1",
                "GET " + GitLabStub.API + "/namespaces/" + gitlab.namespaceId,
                "POST " + gitlab.users() + "/emails",
                "PUT " + gitlab.users(),
                "GET " + gitlab.users() + "/emails",
                "DELETE " + gitlab.users() + "/emails/7");
    }

    @Test
    void gitLabDownLongerThanOneRoundOfRetriesIsTriedAgainLaterAndTheAttemptIsRecorded() {
        GitLabStub gitlab = GitLabStub.newAccount();
        String old = "later" + gitlab.accountId + "@example.com";
        gitlab.events("[]").plan("premium").addEmailAccepted().emails(7, old).deleteEmailAccepted(7);
        gitlab.user(old, null);
        // the switch times out on every try of the first round (3 tries of 3s), then GitLab is back
        String scenario = "put-" + gitlab.accountId;
        for (int i = 0; i < 3; i++) {
            gitlab.stub(put(urlPathEqualTo(gitlab.users())).inScenario(scenario)
                    .whenScenarioStateIs(i == 0 ? STARTED : "slow-" + i).willSetStateTo("slow-" + (i + 1)),
                    GitLabStub.ok("{}").withFixedDelay(3_500));
        }
        gitlab.stub(put(urlPathEqualTo(gitlab.users())).inScenario(scenario).whenScenarioStateIs("slow-3"),
                GitLabStub.ok("{}"));

        EmailReleaseCompleted completed = releaseWithConsent(gitlab.accountId, old, EmailKind.PRIMARY, EmailReleaseCompleted.class);

        assertThat(gitlab.requests()).containsExactly(
                "GET " + gitlab.users(),
                "GET " + gitlab.users() + "/events?per_page=1",
                "GET " + GitLabStub.API + "/namespaces/" + gitlab.namespaceId,
                "POST " + gitlab.users() + "/emails",
                "PUT " + gitlab.users(),
                "PUT " + gitlab.users(),
                "PUT " + gitlab.users(),
                "PUT " + gitlab.users(),
                "GET " + gitlab.users() + "/emails",
                "DELETE " + gitlab.users() + "/emails/7");
        JsonPath view = view(completed.releaseId());
        assertThat(view.getInt("attempts")).isEqualTo(1);
        assertThat(view.getString("lastError")).startsWith("PUT /users/" + gitlab.accountId + " failed: HttpTimeoutException");
    }

    @Test
    void aGitLab404IsFinalAndCarriesGitLabsMessage() {
        GitLabStub gitlab = GitLabStub.newAccount();
        gitlab.stub(get(urlPathEqualTo(gitlab.users())), aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"404 User Not Found\"}"));

        EmailReleaseRejected rejected = releaseWithConsent(gitlab.accountId, "gone" + gitlab.accountId + "@example.com",
                EmailKind.PRIMARY, EmailReleaseRejected.class);

        assertThat(rejected.code()).isEqualTo("GITLAB_ERROR");
        assertThat(rejected.detail()).contains("404 User Not Found").contains("GET /users/" + gitlab.accountId);
        assertThat(gitlab.requests()).containsExactly("GET " + gitlab.users());
    }

    @Test
    void whenTheReleaseAddressIsTakenTheNextNumberIsUsedAndRecorded() {
        GitLabStub gitlab = GitLabStub.newAccount();
        String old = "popular" + gitlab.accountId + "@example.org";
        String first = "popular" + gitlab.accountId + "+release@example.org";
        String second = "popular" + gitlab.accountId + "+release2@example.org";
        gitlab.user("main" + gitlab.accountId + "@example.com", null).events("[]").emails(5, old)
                .deleteEmailAccepted(5);
        gitlab.stub(post(urlPathEqualTo(gitlab.users() + "/emails")).withRequestBody(matchingJsonPath("$.email", equalTo(first))),
                aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":{\"email\":[\"has already been taken\"]}}"));
        gitlab.stub(post(urlPathEqualTo(gitlab.users() + "/emails")).withRequestBody(matchingJsonPath("$.email", equalTo(second))),
                aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\": 6}"));

        EmailReleaseCompleted completed = releaseWithConsent(gitlab.accountId, old, EmailKind.SECONDARY, EmailReleaseCompleted.class);

        assertThat(completed.newEmail()).isEqualTo(second);
        assertThat(view(completed.releaseId()).getString("newEmail")).isEqualTo(second);
        assertThat(gitlab.requests()).containsExactly(
                "GET " + gitlab.users(),
                "GET " + gitlab.users() + "/events?per_page=1",
                "GET " + gitlab.users() + "/emails",
                "POST " + gitlab.users() + "/emails",
                "GET " + gitlab.users() + "/emails",
                "POST " + gitlab.users() + "/emails",
                "GET " + gitlab.users() + "/emails",
                "DELETE " + gitlab.users() + "/emails/5");
    }

    @Test
    void aReleaseLeftBetweenStepsByACrashedInstanceIsResumedWhereItStoppedOnlyOnceItsLeaseRanOut() {
        // crashed after GitLab added the +release address but before the step was persisted
        GitLabStub crashed = GitLabStub.newAccount();
        String old = "crash" + crashed.accountId + "@example.com";
        String released = "crash" + crashed.accountId + "+release@example.com";
        crashed.stub(post(urlPathEqualTo(crashed.users() + "/emails")), aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":{\"email\":[\"has already been taken\"]}}"));
        crashed.emails(7, old, 8, released).updateUserAccepted().deleteEmailAccepted(7);
        // another instance is working on this one right now: its lease still holds
        GitLabStub busy = GitLabStub.newAccount();
        UUID busyToken = UUID.randomUUID();

        try (var releaseEvents = TestKafka.fromNow(Topics.EMAIL_RELEASE_EVENTS)) {
            String consentId = UUID.randomUUID().toString();
            String releaseId = inProgress(crashed.accountId, old, ReleaseStep.ADD_RELEASE_ADDRESS, released, consentId,
                    UUID.randomUUID(), Instant.now().minusSeconds(1));
            String busyId = inProgress(busy.accountId, "busy" + busy.accountId + "@example.com", ReleaseStep.SWITCH_PRIMARY,
                    "busy" + busy.accountId + "+release@example.com", consentId, busyToken,
                    Instant.now().plus(Duration.ofHours(1)));

            ConsumerRecord<String, String> outcome = awaitOutcome(releaseEvents, releaseId);
            assertThat(EventJson.read(outcome.value(), EmailReleaseCompleted.class)).isEqualTo(
                    new EmailReleaseCompleted(releaseId, "ZD-crash", crashed.accountId, old, released,
                            EmailKind.PRIMARY, consentId));
            assertThat(crashed.requests()).containsExactly(
                    "POST " + crashed.users() + "/emails",
                    "GET " + crashed.users() + "/emails",
                    "PUT " + crashed.users(),
                    "GET " + crashed.users() + "/emails",
                    "DELETE " + crashed.users() + "/emails/7");

            // the round that resumed the crashed release saw this one too, and left it to its live claimant
            EmailRelease untouched = QuarkusTransaction.requiringNew().call(() -> EmailRelease.findById(busyId));
            assertThat(untouched.status).isEqualTo(ReleaseStatus.IN_PROGRESS);
            assertThat(untouched.claimToken).isEqualTo(busyToken);
            assertThat(untouched.step).isEqualTo(ReleaseStep.SWITCH_PRIMARY);
            assertThat(busy.requests()).isEmpty();
            QuarkusTransaction.requiringNew().run(() -> EmailRelease.deleteById(busyId));
        }
    }

    @Test
    void aReleaseThatCrashedAfterItsLastGitLabChangeCompletesWithoutChangingGitLabAgain() {
        GitLabStub crashed = GitLabStub.newAccount();
        String old = "late" + crashed.accountId + "@example.com";
        String released = "late" + crashed.accountId + "+release@example.com";
        crashed.emails(8, released);
        try (var releaseEvents = TestKafka.fromNow(Topics.EMAIL_RELEASE_EVENTS)) {
            String releaseId = inProgress(crashed.accountId, old, ReleaseStep.REMOVE_OLD_ADDRESS, released, "c-1",
                    UUID.randomUUID(), Instant.now().minusSeconds(1));
            ConsumerRecord<String, String> outcome = awaitOutcome(releaseEvents, releaseId);
            assertThat(TestKafka.header(outcome, "ce_type")).isEqualTo(EventType.EMAIL_RELEASE_COMPLETED.type());
            assertThat(crashed.requests()).containsExactly("GET " + crashed.users() + "/emails");
        }
    }


    private static String userJson(GitLabStub gitlab, String email) {
        return """
                {"id": %s, "username": "user%s", "email": "%s", "last_activity_on": null, "namespace_id": %s}"""
                .formatted(gitlab.accountId, gitlab.accountId, email, gitlab.namespaceId);
    }

}
