package io.behalf.emailrelease.release;

import static io.behalf.emailrelease.ReleaseTestSupport.awaitOutcome;
import static io.behalf.emailrelease.ReleaseTestSupport.inProgress;
import static io.behalf.emailrelease.ReleaseTestSupport.releaseWithConsent;
import static io.behalf.emailrelease.ReleaseTestSupport.grantedConsent;
import static io.behalf.emailrelease.ReleaseTestSupport.newTicket;
import static io.behalf.emailrelease.ReleaseTestSupport.post;
import static io.behalf.emailrelease.ReleaseTestSupport.view;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.behalf.emailrelease.ReleaseTestSupport;
import io.behalf.emailrelease.gitlab.GitLabStub;
import io.behalf.emailrelease.gitlab.GitLabWireMock;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Topics;
import io.behalf.events.emailrelease.EmailKind;
import io.behalf.events.emailrelease.EmailReleaseCompleted;
import io.behalf.events.emailrelease.EmailReleaseRejected;
import io.behalf.events.emailrelease.EmailReleaseRequested;
import io.behalf.events.emailrelease.ReleaseReason;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Rule 6 end to end: request, consent, eligibility read from GitLab, the change applied on GitLab, the outcome. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GitLabWireMock.class, scope = TestResourceScope.GLOBAL)
class EmailReleaseFlowTest {

    @Test
    void releasesThePrimaryAddressOfAnInactiveAccountOnAPaidPlan() {
        GitLabStub gitlab = GitLabStub.newAccount();
        String old = "johndoe" + gitlab.accountId + "@example.com";
        String released = "johndoe" + gitlab.accountId + "+release@example.com";
        gitlab.user(old, null).events("[]").plan("premium").addEmailAccepted().updateUserAccepted()
                .emails(7, old, 8, released).deleteEmailAccepted(7);
        String ticket = newTicket();
        String consentId = grantedConsent(ticket, gitlab.accountId);

        try (var releaseEvents = TestKafka.fromNow(Topics.EMAIL_RELEASE_EVENTS)) {
            String releaseId = post(ticket, gitlab.accountId, old, EmailKind.PRIMARY);

            ConsumerRecord<String, String> requested = releaseEvents.await(
                    TestKafka.ofType(EventType.EMAIL_RELEASE_REQUESTED).and(r -> gitlab.accountId.equals(r.key())),
                    ReleaseTestSupport.WITHIN);
            assertThat(EventJson.read(requested.value(), EmailReleaseRequested.class)).isEqualTo(
                    new EmailReleaseRequested(releaseId, ticket, gitlab.accountId, old, EmailKind.PRIMARY,
                            ReleaseReason.LOST_ACCESS_INACTIVE, "support.alice"));
            assertThat(TestKafka.header(requested, "ce_source")).isEqualTo("/behalf/email-release-service");
            assertThat(TestKafka.header(requested, "ce_subject")).isEqualTo(releaseId);

            ConsumerRecord<String, String> outcome = awaitOutcome(releaseEvents, releaseId);
            assertThat(TestKafka.header(outcome, "ce_type")).isEqualTo(EventType.EMAIL_RELEASE_COMPLETED.type());
            assertThat(outcome.key()).isEqualTo(gitlab.accountId);
            assertThat(EventJson.read(outcome.value(), EmailReleaseCompleted.class)).isEqualTo(
                    new EmailReleaseCompleted(releaseId, ticket, gitlab.accountId, old, released, EmailKind.PRIMARY,
                            consentId));
        }
        assertThat(gitlab.requests()).containsExactly(
                "GET " + gitlab.users(),
                "GET " + gitlab.users() + "/events?per_page=1",
                "GET " + GitLabStub.API + "/namespaces/" + gitlab.namespaceId,
                "POST " + gitlab.users() + "/emails",
                "PUT " + gitlab.users(),
                "GET " + gitlab.users() + "/emails",
                "DELETE " + gitlab.users() + "/emails/7");
        gitlab.served().forEach(e -> assertThat(e.getRequest().getHeader("PRIVATE-TOKEN"))
                .isEqualTo(GitLabWireMock.TOKEN));
        gitlab.wireMock().verifyThat(postRequestedFor(urlPathEqualTo(gitlab.users() + "/emails"))
                .withRequestBody(equalToJson("{\"email\": \"" + released + "\", \"skip_confirmation\": true}")));
        gitlab.wireMock().verifyThat(putRequestedFor(urlPathEqualTo(gitlab.users()))
                .withRequestBody(equalToJson("{\"email\": \"" + released + "\", \"skip_reconfirmation\": true}")));
    }

    @Test
    void refusesThePrimaryAddressOfAnAccountOnTheFreePlanWithoutChangingGitLab() {
        GitLabStub gitlab = GitLabStub.newAccount();
        String old = "free" + gitlab.accountId + "@example.com";
        gitlab.user(old, null).events("[]").plan("free");

        EmailReleaseRejected rejected = releaseWithConsent(gitlab.accountId, old, EmailKind.PRIMARY, EmailReleaseRejected.class);

        assertThat(rejected.code()).isEqualTo("PRIMARY_REQUIRES_PAID_PLAN");
        assertThat(rejected.detail()).contains("free");
        assertThat(gitlab.requests()).containsExactly(
                "GET " + gitlab.users(),
                "GET " + gitlab.users() + "/events?per_page=1",
                "GET " + GitLabStub.API + "/namespaces/" + gitlab.namespaceId);
        assertThat(view(rejected.releaseId()).getString("status")).isEqualTo("REJECTED");
        assertThat(view(rejected.releaseId()).getString("code")).isEqualTo("PRIMARY_REQUIRES_PAID_PLAN");
    }

    @Test
    void releasesASecondaryAddressOfAnInactiveAccountOnTheFreePlan() {
        GitLabStub gitlab = GitLabStub.newAccount();
        String primary = "main" + gitlab.accountId + "@example.com";
        String old = "second" + gitlab.accountId + "@example.org";
        String released = "second" + gitlab.accountId + "+release@example.org";
        gitlab.user(primary, null).events("[]").plan("free").emails(5, old).addEmailAccepted().deleteEmailAccepted(5);

        EmailReleaseCompleted completed = releaseWithConsent(gitlab.accountId, old, EmailKind.SECONDARY, EmailReleaseCompleted.class);

        assertThat(completed.oldEmail()).isEqualTo(old);
        assertThat(completed.newEmail()).isEqualTo(released);
        assertThat(completed.emailKind()).isEqualTo(EmailKind.SECONDARY);
        assertThat(gitlab.requests()).containsExactly(
                "GET " + gitlab.users(),
                "GET " + gitlab.users() + "/events?per_page=1",
                "GET " + gitlab.users() + "/emails",
                "POST " + gitlab.users() + "/emails",
                "GET " + gitlab.users() + "/emails",
                "DELETE " + gitlab.users() + "/emails/5");
        JsonPath view = view(completed.releaseId());
        assertThat(view.getString("status")).isEqualTo("COMPLETED");
        assertThat(view.getString("newEmail")).isEqualTo(released);
    }

    @Test
    void refusesAnAccountWithEventsInItsHistory() {
        GitLabStub gitlab = GitLabStub.newAccount();
        String old = "busy" + gitlab.accountId + "@example.com";
        gitlab.user(old, null).events("[{\"id\": 1, \"action_name\": \"pushed to\"}]").plan("premium");

        EmailReleaseRejected rejected = releaseWithConsent(gitlab.accountId, old, EmailKind.PRIMARY, EmailReleaseRejected.class);

        assertThat(rejected.code()).isEqualTo("ACCOUNT_HAS_ACTIVITY");
        assertThat(gitlab.requests()).containsExactly(
                "GET " + gitlab.users(),
                "GET " + gitlab.users() + "/events?per_page=1");
    }

    @Test
    void refusesAnAccountWithALastActivityDate() {
        GitLabStub gitlab = GitLabStub.newAccount();
        String old = "seen" + gitlab.accountId + "@example.com";
        gitlab.user(old, "2024-02-01").events("[]").plan("premium");

        EmailReleaseRejected rejected = releaseWithConsent(gitlab.accountId, old, EmailKind.PRIMARY, EmailReleaseRejected.class);

        assertThat(rejected.code()).isEqualTo("ACCOUNT_HAS_ACTIVITY");
        assertThat(rejected.detail()).contains("2024-02-01");
        assertThat(gitlab.requests()).containsExactly("GET " + gitlab.users());
    }

    @Test
    void refusesAnAddressThatIsNotOnTheAccount() {
        GitLabStub gitlab = GitLabStub.newAccount();
        String primary = "main" + gitlab.accountId + "@example.com";
        gitlab.user(primary, null).events("[]").plan("free").emails(5, "other" + gitlab.accountId + "@example.org");

        EmailReleaseRejected secondary = releaseWithConsent(gitlab.accountId, "stranger" + gitlab.accountId + "@example.org",
                EmailKind.SECONDARY, EmailReleaseRejected.class);
        assertThat(secondary.code()).isEqualTo("EMAIL_NOT_ON_ACCOUNT");
        // a secondary address named as the primary one is not on the account as that kind either
        EmailReleaseRejected asPrimary = releaseWithConsent(gitlab.accountId, "other" + gitlab.accountId + "@example.org",
                EmailKind.PRIMARY, EmailReleaseRejected.class);
        assertThat(asPrimary.code()).isEqualTo("EMAIL_NOT_ON_ACCOUNT");

        assertThat(gitlab.requests()).containsExactly(
                "GET " + gitlab.users(),
                "GET " + gitlab.users() + "/events?per_page=1",
                "GET " + gitlab.users() + "/emails",
                "GET " + gitlab.users());
    }

    @Test
    void refusesAnAddressThatWasAlreadyReleasedWithoutAskingGitLab() {
        GitLabStub gitlab = GitLabStub.newAccount();
        EmailReleaseRejected rejected = releaseWithConsent(gitlab.accountId, "twice" + gitlab.accountId + "+release@example.com",
                EmailKind.PRIMARY, EmailReleaseRejected.class);
        assertThat(rejected.code()).isEqualTo("ALREADY_RELEASED");
        assertThat(gitlab.requests()).isEmpty();
    }

}
