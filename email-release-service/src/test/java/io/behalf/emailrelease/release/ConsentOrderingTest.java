package io.behalf.emailrelease.release;

import static io.behalf.emailrelease.ReleaseTestSupport.awaitOutcome;
import static io.behalf.emailrelease.ReleaseTestSupport.awaitConsent;
import static io.behalf.emailrelease.ReleaseTestSupport.awaitStatus;
import static io.behalf.emailrelease.ReleaseTestSupport.consentRequested;
import static io.behalf.emailrelease.ReleaseTestSupport.end;
import static io.behalf.emailrelease.ReleaseTestSupport.grant;
import static io.behalf.emailrelease.ReleaseTestSupport.granted;
import static io.behalf.emailrelease.ReleaseTestSupport.grantedConsent;
import static io.behalf.emailrelease.ReleaseTestSupport.inProgress;
import static io.behalf.emailrelease.ReleaseTestSupport.newTicket;
import static io.behalf.emailrelease.ReleaseTestSupport.publishRequest;
import static io.behalf.emailrelease.ReleaseTestSupport.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.behalf.emailrelease.consent.ConsentEventsConsumer;
import io.behalf.emailrelease.consent.ReleaseConsent;
import io.behalf.emailrelease.consent.ReleaseConsentStatus;
import io.behalf.emailrelease.gitlab.GitLabStub;
import io.behalf.emailrelease.gitlab.GitLabWireMock;
import io.behalf.events.Action;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Target;
import io.behalf.events.TargetKind;
import io.behalf.events.Topics;
import io.behalf.events.consent.ConsentGranted;
import io.behalf.events.consent.ConsentRequested;
import io.behalf.events.consent.ConsentRevoked;
import io.behalf.events.consent.GrantedBy;
import io.behalf.events.consent.Granter;
import io.behalf.events.emailrelease.EmailKind;
import io.behalf.events.emailrelease.EmailReleaseCompleted;
import io.behalf.events.emailrelease.EmailReleaseRejected;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A release proceeds only while a RELEASE_EMAIL consent for the account is active, learned from consent.events.
 * The request and the consent travel on different topics, so either may arrive first.
 */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GitLabWireMock.class, scope = TestResourceScope.GLOBAL)
class ConsentOrderingTest {

    @Inject
    ConsentEventsConsumer consentEvents;

    @Test
    void consentGrantedBeforeTheRequestLetsTheRequestProceedAtOnce() {
        GitLabStub gitlab = inactiveAccountWithSecondary();
        String ticket = newTicket();
        String consentId = grantedConsent(ticket, gitlab.accountId);
        try (var releaseEvents = TestKafka.fromNow(Topics.EMAIL_RELEASE_EVENTS)) {
            String releaseId = publishRequest(ticket, gitlab.accountId, secondary(gitlab), EmailKind.SECONDARY);
            ConsumerRecord<String, String> outcome = awaitOutcome(releaseEvents, releaseId);
            assertThat(TestKafka.header(outcome, "ce_type")).isEqualTo(EventType.EMAIL_RELEASE_COMPLETED.type());
            assertThat(EventJson.read(outcome.value(), EmailReleaseCompleted.class).consentId()).isEqualTo(consentId);
        }
    }

    @Test
    void aRequestBeforeItsConsentWaitsAndProceedsWhenTheGrantArrives() {
        GitLabStub gitlab = inactiveAccountWithSecondary();
        String ticket = newTicket();
        try (var releaseEvents = TestKafka.fromNow(Topics.EMAIL_RELEASE_EVENTS)) {
            // published by another producer, not through this service's endpoint
            String releaseId = publishRequest(ticket, gitlab.accountId, secondary(gitlab), EmailKind.SECONDARY);
            awaitStatus(releaseId, ReleaseStatus.AWAITING_CONSENT);
            assertThat(view(releaseId).getString("status")).isEqualTo("AWAITING_CONSENT");
            assertThat(gitlab.requests()).isEmpty();

            String consentId = consentRequested(ticket, gitlab.accountId);
            assertThat(view(releaseId).getString("status")).isEqualTo("AWAITING_CONSENT");
            grant(ticket, gitlab.accountId, consentId);

            ConsumerRecord<String, String> outcome = awaitOutcome(releaseEvents, releaseId);
            EmailReleaseCompleted completed = EventJson.read(outcome.value(), EmailReleaseCompleted.class);
            assertThat(completed.consentId()).isEqualTo(consentId);
            assertThat(completed.newEmail()).isEqualTo("sec" + gitlab.accountId + "+release@example.org");
            assertThat(gitlab.requests()).contains("POST " + gitlab.users() + "/emails");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ReleaseConsentStatus.class, names = {"DENIED", "REVOKED", "EXPIRED"})
    void aConsentThatEndsWhileTheRequestWaitsRejectsItWithNoConsent(ReleaseConsentStatus how) {
        GitLabStub gitlab = inactiveAccountWithSecondary();
        String ticket = newTicket();
        try (var releaseEvents = TestKafka.fromNow(Topics.EMAIL_RELEASE_EVENTS)) {
            String consentId = consentRequested(ticket, gitlab.accountId);
            String releaseId = publishRequest(ticket, gitlab.accountId, secondary(gitlab), EmailKind.SECONDARY);
            awaitStatus(releaseId, ReleaseStatus.AWAITING_CONSENT);

            end(how, ticket, consentId);

            EmailReleaseRejected rejected = EventJson.read(awaitOutcome(releaseEvents, releaseId).value(),
                    EmailReleaseRejected.class);
            assertThat(rejected.code()).isEqualTo("NO_CONSENT");
            assertThat(rejected.detail()).contains(consentId, how.name().toLowerCase());
            assertThat(gitlab.requests()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ReleaseConsentStatus.class, names = {"DENIED", "REVOKED", "EXPIRED"})
    void aConsentThatEndedBeforeTheRequestArrivedRejectsItWithNoConsent(ReleaseConsentStatus how) {
        GitLabStub gitlab = inactiveAccountWithSecondary();
        String ticket = newTicket();
        String consentId = consentRequested(ticket, gitlab.accountId);
        if (how != ReleaseConsentStatus.DENIED) {
            grant(ticket, gitlab.accountId, consentId);
            awaitConsent(consentId, ReleaseConsentStatus.GRANTED);
        }
        end(how, ticket, consentId);
        awaitConsent(consentId, how);

        try (var releaseEvents = TestKafka.fromNow(Topics.EMAIL_RELEASE_EVENTS)) {
            String releaseId = publishRequest(ticket, gitlab.accountId, secondary(gitlab), EmailKind.SECONDARY);
            EmailReleaseRejected rejected = EventJson.read(awaitOutcome(releaseEvents, releaseId).value(),
                    EmailReleaseRejected.class);
            assertThat(rejected.code()).isEqualTo("NO_CONSENT");
            assertThat(gitlab.requests()).isEmpty();
        }
    }

    @Test
    void aRevocationStopsAReleaseThatHasNotChangedGitLabYetButNotOneThatHas() {
        GitLabStub gitlab = GitLabStub.newAccount();
        String ticket = newTicket();
        String consentId = grantedConsent(ticket, gitlab.accountId);
        // both held by a live claim of another instance, so only the revocation acts on them here
        Instant leased = Instant.now().plus(Duration.ofHours(1));
        String checking = inProgress(gitlab.accountId, "a" + gitlab.accountId + "@example.com",
                ReleaseStep.CHECK_ELIGIBILITY, null, consentId, UUID.randomUUID(), leased);
        String switching = inProgress(gitlab.accountId, "b" + gitlab.accountId + "@example.com",
                ReleaseStep.SWITCH_PRIMARY, "b" + gitlab.accountId + "+release@example.com", consentId,
                UUID.randomUUID(), leased);
        try (var releaseEvents = TestKafka.fromNow(Topics.EMAIL_RELEASE_EVENTS)) {
            end(ReleaseConsentStatus.REVOKED, ticket, consentId);

            EmailReleaseRejected rejected = EventJson.read(awaitOutcome(releaseEvents, checking).value(),
                    EmailReleaseRejected.class);
            assertThat(rejected.code()).isEqualTo("NO_CONSENT");
            // the same consumer transaction looked at the other one and left it to finish
            EmailRelease finishing = QuarkusTransaction.requiringNew().call(() -> EmailRelease.findById(switching));
            assertThat(finishing.status).isEqualTo(ReleaseStatus.IN_PROGRESS);
            assertThat(finishing.step).isEqualTo(ReleaseStep.SWITCH_PRIMARY);
        } finally {
            QuarkusTransaction.requiringNew().run(() -> EmailRelease.deleteById(switching));
        }
    }

    private static GitLabStub inactiveAccountWithSecondary() {
        GitLabStub gitlab = GitLabStub.newAccount();
        return gitlab.user("main" + gitlab.accountId + "@example.com", null).events("[]")
                .emails(5, secondary(gitlab)).addEmailAccepted().deleteEmailAccepted(5);
    }

    private static String secondary(GitLabStub gitlab) {
        return "sec" + gitlab.accountId + "@example.org";
    }

    @Test
    void aBurstOfConsentEventsTakesEffectInItsOrder() {
        String ticket = newTicket();
        String account = String.valueOf(700_000 + (int) (Math.random() * 100_000));
        String other = UUID.randomUUID().toString();
        String notOurs = UUID.randomUUID().toString();
        String withdrawn = UUID.randomUUID().toString();
        String granted = UUID.randomUUID().toString();
        // sent back to back on the ticket's key, so one partition in this order, and mostly read as one poll batch
        end(ReleaseConsentStatus.DENIED, ticket, other);
        TestKafka.send(EventType.CONSENT_GRANTED, ticket, new ConsentGranted(notOurs, ticket, Action.RERUN_PIPELINES,
                new Target(TargetKind.PROJECT, "42", "group/project"), new GrantedBy(account, "user" + account,
                        "ACCOUNT_HOLDER"), "c-1", Instant.now().plus(Duration.ofHours(8))));
        requestConsent(ticket, account, withdrawn);
        grant(ticket, account, withdrawn);
        end(ReleaseConsentStatus.REVOKED, ticket, withdrawn);
        grant(ticket, account, withdrawn); // a replay after the end does not bring it back
        requestConsent(ticket, account, granted);
        grant(ticket, account, granted);

        awaitConsent(granted, ReleaseConsentStatus.GRANTED);
        assertThat(status(withdrawn)).isEqualTo(ReleaseConsentStatus.REVOKED);
        // an end of a consent never heard of, and a consent for another action, are not kept
        assertThat(status(other)).isNull();
        assertThat(status(notOurs)).isNull();
    }

    @Test
    void onePollBatchThatGrantsThenRevokesStopsTheReleaseItStartedAndStartsTheOtherAccounts() {
        GitLabStub stopped = inactiveAccountWithSecondary();
        GitLabStub going = inactiveAccountWithSecondary();
        String ticket = newTicket();
        String stoppedConsent = UUID.randomUUID().toString();
        String goingConsent = UUID.randomUUID().toString();
        try (var releaseEvents = TestKafka.fromNow(Topics.EMAIL_RELEASE_EVENTS)) {
            String stoppedRelease = publishRequest(ticket, stopped.accountId, secondary(stopped), EmailKind.SECONDARY);
            String goingRelease = publishRequest(ticket, going.accountId, secondary(going), EmailKind.SECONDARY);
            awaitStatus(stoppedRelease, ReleaseStatus.AWAITING_CONSENT);
            awaitStatus(goingRelease, ReleaseStatus.AWAITING_CONSENT);

            // one poll batch: the revocation sees the release its grant started earlier in the same transaction
            consentEvents.onConsentEvents(TestKafka.poll(List.of(
                    TestKafka.polled(EventType.CONSENT_GRANTED, ticket, granted(ticket, stopped.accountId, stoppedConsent)),
                    TestKafka.polled(EventType.CONSENT_GRANTED, ticket, granted(ticket, going.accountId, goingConsent)),
                    TestKafka.polled(EventType.CONSENT_REVOKED, ticket,
                            new ConsentRevoked(stoppedConsent, ticket, "support.alice", "user withdrew permission")))));

            EmailReleaseRejected rejected = EventJson.read(awaitOutcome(releaseEvents, stoppedRelease).value(),
                    EmailReleaseRejected.class);
            assertThat(rejected.code()).isEqualTo("NO_CONSENT");
            assertThat(rejected.detail()).contains(stoppedConsent, "revoked");
            EmailReleaseCompleted completed = EventJson.read(awaitOutcome(releaseEvents, goingRelease).value(),
                    EmailReleaseCompleted.class);
            assertThat(completed.consentId()).isEqualTo(goingConsent);
            assertThat(stopped.requests()).isEmpty();
        }
    }

    private static void requestConsent(String ticket, String account, String consentId) {
        TestKafka.send(EventType.CONSENT_REQUESTED, ticket, new ConsentRequested(consentId, ticket,
                Action.RELEASE_EMAIL, new Target(TargetKind.USER, account, "user" + account), null, "support.alice",
                Granter.ACCOUNT_HOLDER, "May we release the address?", Instant.now().plus(Duration.ofDays(4))));
    }

    private static ReleaseConsentStatus status(String consentId) {
        return QuarkusTransaction.requiringNew().call(() -> ReleaseConsent.<ReleaseConsent>findByIdOptional(consentId)
                .map(c -> c.status).orElse(null));
    }
}
