package io.behalf.consent.reply;

import static io.behalf.consent.ConsentTesting.WITHIN;
import static io.behalf.consent.ConsentTesting.comment;
import static io.behalf.consent.ConsentTesting.event;
import static io.behalf.consent.ConsentTesting.newId;
import static io.behalf.consent.ConsentTesting.openTicket;
import static io.behalf.consent.ConsentTesting.outboxCount;
import static io.behalf.consent.ConsentTesting.replyState;
import static io.behalf.consent.ConsentTesting.status;
import static io.behalf.consent.ConsentTesting.ticketOfAnOwnerGitLabCannotCheck;
import static io.behalf.consent.ConsentTesting.requested;
import static io.behalf.consent.ConsentTesting.verifyOwnership;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.behalf.consent.ConsentTesting.UncheckableOwner;
import io.behalf.consent.consent.Consent;
import io.behalf.consent.consent.ConsentStatus;
import io.behalf.consent.gitlab.GitLabStub;
import io.behalf.events.Action;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Person;
import io.behalf.events.Target;
import io.behalf.events.TargetKind;
import io.behalf.events.Topics;
import io.behalf.events.consent.ConsentDenied;
import io.behalf.events.consent.ConsentGranted;
import io.behalf.events.consent.ConsentReplyIgnored;
import io.behalf.events.consent.ConsentReplyUnclear;
import io.behalf.events.consent.GrantedBy;
import io.behalf.events.ticket.TicketCommentAdded;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.behalf.testing.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Replies on the ticket against pending requests: who may answer (rule 2) and what counts as an answer. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GitLabStub.class, scope = TestResourceScope.GLOBAL)
class ReplyTest {

    @Inject
    EntityManager em;

    @Test
    void theAccountHolderGrantsAndTheGrantAllowsExactlyThatActionOnThatTarget() {
        String holder = newId();
        GitLabStub.account(holder, true);
        String ticket = openTicket(holder, "holder@example.com");
        verifyOwnership(ticket, holder, em);
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            String consentId = requested(ticket, "VIEW_PRIVATE_DATA", "USER", holder, "holder", "the 2FA settings");
            String commentId = comment(ticket, holder, "Yes, you have my permission to look at it. Thanks!", true);

            ConsumerRecord<String, String> record = events.await(event(EventType.CONSENT_GRANTED, consentId), WITHIN);
            ConsentGranted granted = EventJson.read(record.value(), ConsentGranted.class);
            assertThat(record.key()).isEqualTo(ticket);
            assertThat(granted).isEqualTo(new ConsentGranted(consentId, ticket, Action.VIEW_PRIVATE_DATA,
                    new Target(TargetKind.USER, holder, "holder"),
                    new GrantedBy(holder, "user" + holder, "ACCOUNT_HOLDER"), commentId, granted.validUntil()));
            assertThat(granted.validUntil()).isAfter(Instant.now().plus(Duration.ofHours(7)));
        }
        check(ticket, "VIEW_PRIVATE_DATA", "USER", holder).body("allowed", equalTo(true));
        // rule 4: a grant to look is not a grant to download; other targets are not covered either
        check(ticket, "DOWNLOAD_DATA", "USER", holder).body("allowed", equalTo(false));
        check(ticket, "VIEW_PRIVATE_DATA", "USER", newId()).body("allowed", equalTo(false));
    }

    @Test
    void aMaintainerOfTheProjectGrantsAndTheOriginalRequesterCannot() {
        String project = newId();
        String maintainer = newId();
        String requester = newId();
        GitLabStub.member(TargetKind.PROJECT, project, maintainer, 40);
        GitLabStub.member(TargetKind.PROJECT, project, requester, 30);
        String ticket = openTicket(requester, "dev@example.com");
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            String consentId = requested(ticket, "RERUN_PIPELINES", "PROJECT", project, "acme/app", null);

            String fromDeveloper = comment(ticket, requester, "I provide permission.", true);
            ConsentReplyIgnored ignored = EventJson.read(
                    events.await(event(EventType.CONSENT_REPLY_IGNORED, consentId), WITHIN).value(),
                    ConsentReplyIgnored.class);
            assertThat(ignored).isEqualTo(new ConsentReplyIgnored(consentId, ticket, fromDeveloper, requester,
                    "author " + requester + " is not an owner or maintainer of project acme/app (access level 30)"));
            assertThat(status(consentId)).isEqualTo(ConsentStatus.PENDING);
            check(ticket, "RERUN_PIPELINES", "PROJECT", project).body("allowed", equalTo(false));

            String fromMaintainer = comment(ticket, maintainer, "I confirm, please go ahead.", true);
            ConsentGranted granted = EventJson.read(
                    events.await(event(EventType.CONSENT_GRANTED, consentId), WITHIN).value(), ConsentGranted.class);
            assertThat(granted.grantedBy()).isEqualTo(new GrantedBy(maintainer, "user" + maintainer, "MAINTAINER"));
            assertThat(granted.evidenceCommentId()).isEqualTo(fromMaintainer);
        }
        check(ticket, "RERUN_PIPELINES", "PROJECT", project).body("allowed", equalTo(true));
    }

    @Test
    void someoneWhoIsNotAMemberAtAllChangesNothingButIsRecorded() {
        String group = newId();
        String stranger = newId();
        GitLabStub.notMember(TargetKind.GROUP, group, stranger);
        String ticket = openTicket(newId(), "x@example.com");
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            String consentId = requested(ticket, "VIEW_CICD_VARIABLES", "GROUP", group, "acme", null);
            comment(ticket, stranger, "Yes, I provide permission", true);
            ConsentReplyIgnored ignored = EventJson.read(
                    events.await(event(EventType.CONSENT_REPLY_IGNORED, consentId), WITHIN).value(),
                    ConsentReplyIgnored.class);
            assertThat(ignored.why()).isEqualTo("author " + stranger + " is not an owner or maintainer of group acme");
        }
    }

    @Test
    void whenGitLabIsDownTheReplyStaysPendingIsRetriedAndIsNeverGrantedOnAFailedCheck() {
        UncheckableOwner stuck = ticketOfAnOwnerGitLabCannotCheck();
        String ticket = stuck.ticket();
        String owner = stuck.owner();
        String project = stuck.project();
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            String consentId = requested(ticket, "DOWNLOAD_DATA", "PROJECT", project, "acme/big", "a clone of main");
            String commentId = comment(ticket, owner, "I provide permission.", true);

            // retried more than once while GitLab is down, and the consent stays pending throughout
            await().atMost(WITHIN).until(() -> attempts(ticket, commentId) >= 2);
            assertThat(replyState(em, ticket, commentId)).isEqualTo("PENDING");
            assertThat(status(consentId)).isEqualTo(ConsentStatus.PENDING);
            assertThat(outboxCount(em, EventType.CONSENT_GRANTED, consentId)).isZero();
            check(ticket, "DOWNLOAD_DATA", "PROJECT", project).body("allowed", equalTo(false));

            GitLabStub.member(TargetKind.PROJECT, project, owner, 50);
            ConsentGranted granted = EventJson.read(
                    events.await(event(EventType.CONSENT_GRANTED, consentId), WITHIN).value(), ConsentGranted.class);
            assertThat(granted.grantedBy().role()).isEqualTo("OWNER");
            assertThat(granted.evidenceCommentId()).isEqualTo(commentId);
        }
        assertThat(replyState(em, ticket, commentId(ticket))).isEqualTo("DONE");
    }

    @Test
    void aGitLabThatRejectsOurTokenIsNoAnswerEither() {
        String group = newId();
        String owner = newId();
        GitLabStub.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(
                        GitLabStub.membersPath(TargetKind.GROUP, group, owner)))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(401)));
        String ticket = openTicket(owner, "owner@example.com");
        String consentId = requested(ticket, "VIEW_PRIVATE_DATA", "GROUP", group, "acme", null);
        String commentId = comment(ticket, owner, "I provide permission.", true);
        await().atMost(WITHIN).until(() -> attempts(ticket, commentId) >= 1);
        assertThat(replyState(em, ticket, commentId)).isEqualTo("PENDING");
        assertThat(status(consentId)).isEqualTo(ConsentStatus.PENDING);
        assertThat(outboxCount(em, EventType.CONSENT_GRANTED, consentId)).isZero();
    }

    @Test
    void aCommentRecordWithoutAnAuthorIsADeadLetterWithItsReason() {
        String ticket = "ZD-" + UUID.randomUUID();
        try (var deadLetters = TestKafka.fromNow(Topics.deadLetters("consent-service"))) {
            TestKafka.send(EventType.TICKET_COMMENT_ADDED, ticket, """
                    {"ticketId": "%s", "commentId": "c-1", "body": "I provide permission", "public": true,
                     "createdAt": "2026-11-28T10:05:00Z"}""".formatted(ticket));
            ConsumerRecord<String, String> dead = deadLetters.await(r -> ticket.equals(r.key()), WITHIN);
            assertThat(TestKafka.header(dead, "dead-letter-reason")).isEqualTo("missing required field 'author'");
        }
        assertThat(QuarkusTransaction.requiringNew().call(() -> TicketReply.count("ticketId", ticket))).isZero();
    }

    @Test
    void anExplicitRefusalDeniesAndANegationIsNeverReadAsAGrant() {
        String holder = newId();
        GitLabStub.account(holder, true);
        String ticket = openTicket(holder, "holder@example.com");
        verifyOwnership(ticket, holder, em);
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            String consentId = requested(ticket, "IMPERSONATE_USER", "USER", holder, "holder", null);
            String commentId = comment(ticket, holder, "I do not give permission, sorry.", true);
            ConsentDenied denied = EventJson.read(
                    events.await(event(EventType.CONSENT_DENIED, consentId), WITHIN).value(), ConsentDenied.class);
            assertThat(denied).isEqualTo(new ConsentDenied(consentId, ticket, "user" + holder, commentId));
        }
        check(ticket, "IMPERSONATE_USER", "USER", holder).body("allowed", equalTo(false))
                .body("reason", equalTo("permission was refused"));
    }

    @Test
    void theGranterTakingPermissionBackRevokesTheGrant() {
        String project = newId();
        String owner = newId();
        GitLabStub.member(TargetKind.PROJECT, project, owner, 50);
        String ticket = openTicket(owner, "owner@example.com");
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            String consentId = requested(ticket, "VIEW_CICD_VARIABLES", "PROJECT", project, "acme/app", null);
            comment(ticket, owner, "I provide permission.", true);
            events.await(event(EventType.CONSENT_GRANTED, consentId), WITHIN);
            String withdrawal = comment(ticket, owner, "Sorry, on second thought I withdraw my permission.", true);
            assertThat(EventJson.read(events.await(event(EventType.CONSENT_REVOKED, consentId), WITHIN).value(),
                    io.behalf.events.consent.ConsentRevoked.class)).isEqualTo(new io.behalf.events.consent.ConsentRevoked(
                            consentId, ticket, "user" + owner, "withdrawn by the granter in comment " + withdrawal));
        }
        check(ticket, "VIEW_CICD_VARIABLES", "PROJECT", project).body("allowed", equalTo(false));
    }

    @Test
    void anUnclearReplyFromTheRightPersonIsFlaggedForTheEngineerAndAnInternalNoteCountsForNothing() {
        String holder = newId();
        GitLabStub.account(holder, true);
        String ticket = openTicket(holder, "holder@example.com");
        verifyOwnership(ticket, holder, em);
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            String consentId = requested(ticket, "CHANGE_ACCOUNT_EMAIL", "USER", holder, "holder",
                    "to new@example.com");
            // an internal note, even with the right words from the right person, is not the user's answer
            String note = comment(ticket, holder, "I provide permission.", false);
            String question = comment(ticket, holder, "Why do you need to change my email address?", true);

            ConsumerRecord<String, String> first = events.await(TestKafka.ofType(EventType.CONSENT_REPLY_UNCLEAR)
                    .or(TestKafka.ofType(EventType.CONSENT_GRANTED)), WITHIN);
            assertThat(EventJson.read(first.value(), ConsentReplyUnclear.class)).isEqualTo(new ConsentReplyUnclear(
                    consentId, ticket, question, "the reply asks a question about the request"));
            assertThat(replyState(em, ticket, note)).isEqualTo("DONE");
            assertThat(outboxCount(em, EventType.CONSENT_GRANTED, consentId)).isZero();
            assertThat(status(consentId)).isEqualTo(ConsentStatus.PENDING);
        }
    }

    @Test
    void theSameCommentDeliveredTwiceGrantsOnce() {
        String holder = newId();
        GitLabStub.account(holder, true);
        String ticket = openTicket(holder, "holder@example.com");
        verifyOwnership(ticket, holder, em);
        String consentId = requested(ticket, "VIEW_PRIVATE_DATA", "USER", holder, "holder", null);
        String commentId = "c-" + UUID.randomUUID();
        String json = EventJson.write(new TicketCommentAdded(ticket, commentId,
                new Person(holder, "user" + holder, null), "I provide permission", true, Instant.now()));
        String ceId = UUID.randomUUID().toString();
        TestKafka.send(EventType.TICKET_COMMENT_ADDED, ticket, ceId, json); // delivered
        TestKafka.send(EventType.TICKET_COMMENT_ADDED, ticket, ceId, json); // redelivered: same ce_id
        TestKafka.send(EventType.TICKET_COMMENT_ADDED, ticket, json); // re-sent upstream: new ce_id, same comment
        // records of one ticket are read in order: once this later one took effect, the copies before it were read
        String account = newId();
        verifyOwnership(ticket, account, em);

        assertThat(outboxCount(em, EventType.CONSENT_GRANTED, consentId)).isEqualTo(1);
        assertThat(QuarkusTransaction.requiringNew().call(() -> TicketReply.count("commentId", commentId))).isEqualTo(1);
    }

    @Test
    void aGrantThatDoesNotSayWhichOfSeveralRequestsItAnswersGrantsNothing() {
        String holder = newId();
        GitLabStub.account(holder, true);
        String ticket = openTicket(holder, "holder@example.com");
        verifyOwnership(ticket, holder, em);
        String look;
        String impersonate;
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            look = requested(ticket, "VIEW_PRIVATE_DATA", "USER", holder, "holder", null);
            impersonate = requested(ticket, "IMPERSONATE_USER", "USER", holder, "holder", null);
            comment(ticket, holder, "Yes, I provide permission.", true);
            events.await(event(EventType.CONSENT_REPLY_UNCLEAR, look), WITHIN);
            events.await(event(EventType.CONSENT_REPLY_UNCLEAR, impersonate), WITHIN);
        }
        for (String consentId : new String[] {look, impersonate}) {
            assertThat(outboxCount(em, EventType.CONSENT_GRANTED, consentId)).isZero();
            assertThat(status(consentId)).isEqualTo(ConsentStatus.PENDING);
        }
    }

    @Test
    void theTicketRequesterGrantsTheReleaseOfTheirOwnAddressAndTheAccountsOtherUsersCannot() {
        String account = newId();
        String requester = newId();
        GitLabStub.account(account, true);
        String ticket = openTicket(requester, "me@example.com");
        verifyOwnership(ticket, account, em);
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            String consentId = requested(ticket, "RELEASE_EMAIL", "USER", account, "old", "me@example.com");
            comment(ticket, newId(), "I provide permission", true);
            events.await(event(EventType.CONSENT_REPLY_IGNORED, consentId), WITHIN);
            comment(ticket, requester, "I confirm, thank you!", true);
            ConsentGranted granted = EventJson.read(
                    events.await(event(EventType.CONSENT_GRANTED, consentId), WITHIN).value(), ConsentGranted.class);
            assertThat(granted.grantedBy().role()).isEqualTo("TICKET_REQUESTER");
        }
    }

    private static io.restassured.response.ValidatableResponse check(String ticket, String action, String kind,
            String id) {
        return given().header("Authorization", Tokens.bearer("alice", "support-engineer"))
                .queryParam("ticketId", ticket).queryParam("action", action).queryParam("targetKind", kind)
                .queryParam("targetId", id).get("/consents/check").then().statusCode(200);
    }


    private static int attempts(String ticket, String commentId) {
        return QuarkusTransaction.requiringNew().call(() -> TicketReply.<TicketReply>find(
                "ticketId = ?1 and commentId = ?2", ticket, commentId).firstResultOptional().map(r -> r.attempts)
                .orElse(0));
    }

    private static String commentId(String ticket) {
        return QuarkusTransaction.requiringNew().call(() -> TicketReply.<TicketReply>find("ticketId", ticket)
                .firstResult().commentId);
    }
}
