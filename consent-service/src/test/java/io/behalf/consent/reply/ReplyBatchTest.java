package io.behalf.consent.reply;

import static io.behalf.consent.ConsentTesting.newId;
import static io.behalf.consent.ConsentTesting.openTicket;
import static io.behalf.consent.ConsentTesting.outboxCount;
import static io.behalf.consent.ConsentTesting.replyState;
import static io.behalf.consent.ConsentTesting.status;
import static io.behalf.consent.ConsentTesting.ticketOfAnOwnerGitLabCannotCheck;
import static io.behalf.consent.ConsentTesting.requested;
import static io.behalf.consent.ConsentTesting.verifyOwnership;
import static org.assertj.core.api.Assertions.assertThat;

import io.behalf.consent.ConsentTesting.UncheckableOwner;
import io.behalf.consent.consent.Consent;
import io.behalf.consent.consent.ConsentStatus;
import io.behalf.consent.gitlab.GitLabStub;
import io.behalf.consent.ticket.TicketEventsConsumer;
import io.behalf.events.EventType;
import io.behalf.events.Person;
import io.behalf.events.ticket.TicketCommentAdded;
import io.behalf.events.ticket.TicketSolved;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A poll batch of ticket.events read set-wise: many tickets' comments in one batch take effect as they would one
 * by one, each ticket's in its order. The batch is handed to the consumer as the connector hands it a poll, so
 * what it holds does not depend on how the broker happened to split the records.
 */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GitLabStub.class, scope = TestResourceScope.GLOBAL)
class ReplyBatchTest {

    @Inject
    TicketEventsConsumer consumer;
    @Inject
    EntityManager em;

    @Test
    void aBatchOfCommentsOnSeveralTicketsTakesEffectInEachTicketsOrder() {
        Story grantThenWithdraw = story();
        Story deliveredTwice = story();
        Story grantThenSolve = story();
        Story solveThenGrant = story();
        String duplicate = "c-" + UUID.randomUUID();

        List<ConsumerRecord<String, String>> batch = new ArrayList<>();
        batch.add(comment(grantThenWithdraw, "c-" + UUID.randomUUID(), "I provide permission."));
        batch.add(comment(deliveredTwice, duplicate, "Yes, you have my permission."));
        batch.add(comment(grantThenSolve, "c-" + UUID.randomUUID(), "I confirm, please go ahead."));
        batch.add(comment(deliveredTwice, duplicate, "Yes, you have my permission.")); // re-sent: a new ce_id
        batch.add(comment(grantThenWithdraw, "c-" + UUID.randomUUID(), "Sorry, I withdraw my permission."));
        batch.add(solved(grantThenSolve));
        batch.add(solved(solveThenGrant));
        batch.add(comment(solveThenGrant, "c-" + UUID.randomUUID(), "I provide permission."));
        consumer.onTicketEvents(TestKafka.poll(batch));

        assertThat(status(grantThenWithdraw.consentId)).isEqualTo(ConsentStatus.REVOKED);
        assertThat(history(grantThenWithdraw.consentId)).containsSubsequence("GRANTED", "REVOKED");
        assertThat(status(deliveredTwice.consentId)).isEqualTo(ConsentStatus.GRANTED);
        assertThat(outboxCount(em, EventType.CONSENT_GRANTED, deliveredTwice.consentId)).isEqualTo(1);
        assertThat(QuarkusTransaction.requiringNew().call(() -> TicketReply.count("commentId", duplicate)))
                .isEqualTo(1);
        // the comment came before the solve in the batch, so the grant was given and then ended by it
        assertThat(status(grantThenSolve.consentId)).isEqualTo(ConsentStatus.EXPIRED);
        assertThat(history(grantThenSolve.consentId)).containsSubsequence("GRANTED", "EXPIRED");
        // a comment after the solve finds nothing left to grant, though the batch holds both
        assertThat(status(solveThenGrant.consentId)).isEqualTo(ConsentStatus.EXPIRED);
        assertThat(history(solveThenGrant.consentId)).doesNotContain("GRANTED");
        // and each ticket's events leave the outbox in that order
        assertThat(outboxTypes(grantThenWithdraw.ticket)).containsSubsequence("behalf.consent.granted",
                "behalf.consent.revoked");
        assertThat(outboxTypes(grantThenSolve.ticket)).containsSubsequence("behalf.consent.granted",
                "behalf.consent.expired");
    }

    @Test
    void aBatchDeliveredAgainChangesNothing() {
        Story s = story();
        List<ConsumerRecord<String, String>> batch = List.of(comment(s, "c-" + UUID.randomUUID(), "I provide permission."));
        consumer.onTicketEvents(TestKafka.poll(batch));
        consumer.onTicketEvents(TestKafka.poll(batch)); // the same records: their offsets were not committed

        assertThat(status(s.consentId)).isEqualTo(ConsentStatus.GRANTED);
        assertThat(outboxCount(em, EventType.CONSENT_GRANTED, s.consentId)).isEqualTo(1);
        assertThat(history(s.consentId)).filteredOn("GRANTED"::equals).hasSize(1);
    }

    @Test
    void aTicketWhoseAuthorGitLabCannotCheckWaitsWithoutHoldingBackTheRestOfItsBatch() {
        UncheckableOwner stuck = ticketOfAnOwnerGitLabCannotCheck();
        String waitingTicket = stuck.ticket();
        String owner = stuck.owner();
        String waitingConsent = requested(waitingTicket, "DOWNLOAD_DATA", "PROJECT", stuck.project(), "acme/big", null);
        Story granted = story();
        String waitingComment = "c-" + UUID.randomUUID();
        String laterOnSameTicket = "c-" + UUID.randomUUID();

        consumer.onTicketEvents(TestKafka.poll(List.of(
                comment(waitingTicket, waitingComment, owner, "I provide permission."),
                comment(granted, "c-" + UUID.randomUUID(), "I provide permission."),
                comment(waitingTicket, laterOnSameTicket, owner, "Thanks!"))));

        assertThat(status(granted.consentId)).isEqualTo(ConsentStatus.GRANTED);
        assertThat(status(waitingConsent)).isEqualTo(ConsentStatus.PENDING);
        assertThat(replyState(em, waitingTicket, waitingComment)).isEqualTo("PENDING");
        // a later comment of that ticket is not read before the one GitLab could not check
        assertThat(replyState(em, waitingTicket, laterOnSameTicket)).isEqualTo("PENDING");
        assertThat(outboxCount(em, EventType.CONSENT_GRANTED, waitingConsent)).isZero();
    }

    @Test
    void aCommentArrivingWhileAnEarlierOneOfItsTicketWaitsForGitLabIsNotReadBeforeIt() {
        UncheckableOwner stuck = ticketOfAnOwnerGitLabCannotCheck();
        String ticket = stuck.ticket();
        String owner = stuck.owner();
        requested(ticket, "DOWNLOAD_DATA", "PROJECT", stuck.project(), "acme/big", null);
        String first = "c-" + UUID.randomUUID();
        String later = "c-" + UUID.randomUUID();

        consumer.onTicketEvents(TestKafka.poll(List.of(comment(ticket, first, owner, "I provide permission."))));
        assertThat(replyState(em, ticket, first)).isEqualTo("PENDING");
        // a later poll: its comment needs no GitLab check, but it is the ticket's second and waits behind the first
        consumer.onTicketEvents(TestKafka.poll(List.of(comment(ticket, later, owner, "Thanks!"))));

        assertThat(replyState(em, ticket, later)).isEqualTo("PENDING");
        assertThat(replyState(em, ticket, first)).isEqualTo("PENDING");
    }

    /** A ticket whose holder verified ownership and was asked to let Support look at their account. */
    private record Story(String ticket, String holder, String consentId) {
    }

    private Story story() {
        String holder = newId();
        GitLabStub.account(holder, true);
        String ticket = openTicket(holder, "holder@example.com");
        verifyOwnership(ticket, holder, em);
        return new Story(ticket, holder, requested(ticket, "VIEW_PRIVATE_DATA", "USER", holder, "holder", null));
    }

    private static ConsumerRecord<String, String> comment(Story s, String commentId, String body) {
        return comment(s.ticket, commentId, s.holder, body);
    }

    private static ConsumerRecord<String, String> comment(String ticket, String commentId, String author, String body) {
        return TestKafka.polled(EventType.TICKET_COMMENT_ADDED, ticket, new TicketCommentAdded(ticket, commentId,
                new Person(author, "user" + author, null), body, true, Instant.now()));
    }

    private static ConsumerRecord<String, String> solved(Story s) {
        return TestKafka.polled(EventType.TICKET_SOLVED, s.ticket, new TicketSolved(s.ticket, Instant.now()));
    }

    private List<String> history(String consentId) {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select event from consent_history where consent_id = ?1 order by id", String.class)
                .setParameter(1, UUID.fromString(consentId)).getResultList());
    }

    private List<String> outboxTypes(String ticket) {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select type from outbox_event where record_key = ?1 order by position", String.class)
                .setParameter(1, ticket).getResultList());
    }
}
