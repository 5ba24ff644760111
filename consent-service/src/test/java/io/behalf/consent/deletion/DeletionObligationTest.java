package io.behalf.consent.deletion;

import static io.behalf.consent.ConsentTesting.WITHIN;
import static io.behalf.consent.ConsentTesting.comment;
import static io.behalf.consent.ConsentTesting.event;
import static io.behalf.consent.ConsentTesting.newId;
import static io.behalf.consent.ConsentTesting.openTicket;
import static io.behalf.consent.ConsentTesting.outboxCount;
import static io.behalf.consent.ConsentTesting.requested;
import static io.behalf.consent.ConsentTesting.sql;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.behalf.consent.gitlab.GitLabStub;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.TargetKind;
import io.behalf.events.Topics;
import io.behalf.events.consent.ConsentExpired;
import io.behalf.events.consent.DeletionConfirmed;
import io.behalf.events.consent.DeletionOverdue;
import io.behalf.events.consent.DeletionRequired;
import io.behalf.events.consent.ExpiryReason;
import io.behalf.events.ticket.TicketSolved;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.behalf.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Rule 4 and rule 5 at solve time: consents end, downloaded data must be deleted and the deletion attested. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GitLabStub.class, scope = TestResourceScope.GLOBAL)
class DeletionObligationTest {

    @Inject
    EntityManager em;
    @Inject
    DeletionObligations obligations;

    @Test
    void solvingATicketEndsItsConsentsAndRequiresTheDeletionOfDownloadedDataWhichIsThenConfirmedOnce() {
        String project = newId();
        String owner = newId();
        GitLabStub.member(TargetKind.PROJECT, project, owner, 50);
        String ticket = openTicket(owner, "o@example.com");
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            String download = requested(ticket, "DOWNLOAD_DATA", "PROJECT", project, "acme/app", "a clone of main");
            comment(ticket, owner, "I provide permission.", true);
            events.await(event(EventType.CONSENT_GRANTED, download), WITHIN);
            String look = requested(ticket, "VIEW_PRIVATE_DATA", "PROJECT", project, "acme/app", null);

            confirm(download, "support-engineer").statusCode(409)
                    .body("type", equalTo("https://behalf.io/problems/no-deletion-obligation"));

            Instant solvedAt = Instant.now();
            TestKafka.send(EventType.TICKET_SOLVED, ticket, new TicketSolved(ticket, solvedAt));
            TestKafka.send(EventType.TICKET_SOLVED, ticket, new TicketSolved(ticket, solvedAt)); // solved twice upstream

            assertThat(EventJson.read(events.await(event(EventType.CONSENT_EXPIRED, download), WITHIN).value(),
                    ConsentExpired.class)).isEqualTo(new ConsentExpired(download, ticket, ExpiryReason.TICKET_SOLVED));
            assertThat(EventJson.read(events.await(event(EventType.CONSENT_EXPIRED, look), WITHIN).value(),
                    ConsentExpired.class)).isEqualTo(new ConsentExpired(look, ticket, ExpiryReason.TICKET_SOLVED));
            DeletionRequired required = EventJson.read(
                    events.await(event(EventType.DATA_DELETION_REQUIRED, download), WITHIN).value(), DeletionRequired.class);
            assertThat(required).isEqualTo(new DeletionRequired(ticket, download,
                    "data downloaded from project acme/app (a clone of main)", required.dueAt()));
            assertThat(required.dueAt()).isAfter(Instant.now().plus(Duration.ofHours(23)));

            check(ticket, project).body("allowed", equalTo(false)).body("reason", equalTo("ticket " + ticket + " is solved"));
            ConsentTestingRequests.requestOnSolved(ticket, project).statusCode(409)
                    .body("type", equalTo("https://behalf.io/problems/ticket-solved"));

            confirm(download, "auditor").statusCode(403);
            confirm(download, "support-engineer").statusCode(200).body("confirmedBy", equalTo("alice"));
            assertThat(EventJson.read(events.await(event(EventType.DATA_DELETION_CONFIRMED, download), WITHIN).value(),
                    DeletionConfirmed.class)).isEqualTo(new DeletionConfirmed(ticket, download, "alice"));
            confirm(download, "support-engineer").statusCode(409).contentType(startsWith("application/problem+json"))
                    .body("type", equalTo("https://behalf.io/problems/deletion-already-confirmed"));

            assertThat(outboxCount(em, EventType.DATA_DELETION_REQUIRED, download)).isEqualTo(1);
            assertThat(outboxCount(em, EventType.DATA_DELETION_REQUIRED, look)).isZero();
            assertThat(outboxCount(em, EventType.CONSENT_EXPIRED, download)).isEqualTo(1);
            assertThat(outboxCount(em, EventType.DATA_DELETION_CONFIRMED, download)).isEqualTo(1);
        }
    }

    @Test
    void anObligationNotConfirmedInTimeIsReportedOverdueExactlyOnce() throws Exception {
        String project = newId();
        String owner = newId();
        GitLabStub.member(TargetKind.PROJECT, project, owner, 40);
        String ticket = openTicket(owner, "o@example.com");
        try (var events = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            String variables = requested(ticket, "VIEW_CICD_VARIABLES", "PROJECT", project, "acme/app", null);
            comment(ticket, owner, "You have my permission.", true);
            events.await(event(EventType.CONSENT_GRANTED, variables), WITHIN);
            TestKafka.send(EventType.TICKET_SOLVED, ticket, new TicketSolved(ticket, Instant.now()));
            events.await(event(EventType.DATA_DELETION_REQUIRED, variables), WITHIN);

            sql(em, "update deletion_obligation set due_at = now() - interval '1 second' where consent_id = ?1",
                    UUID.fromString(variables));
            // two instances and the scheduler race for it: one report
            CompletableFuture<Integer> one = CompletableFuture.supplyAsync(obligations::reportOverdue);
            CompletableFuture<Integer> two = CompletableFuture.supplyAsync(obligations::reportOverdue);
            one.get();
            two.get();
            DeletionOverdue overdue = EventJson.read(
                    events.await(event(EventType.DATA_DELETION_OVERDUE, variables), WITHIN).value(), DeletionOverdue.class);
            assertThat(overdue.ticketId()).isEqualTo(ticket);
            assertThat(overdue.consentId()).isEqualTo(variables);
            assertThat(overdue.dueAt()).isBefore(Instant.now());
            obligations.reportOverdue();
            assertThat(outboxCount(em, EventType.DATA_DELETION_OVERDUE, variables)).isEqualTo(1);

            // a late confirmation is still recorded
            confirm(variables, "support-engineer").statusCode(200).body("reportedOverdue", equalTo(true));
        }
    }

    private static ValidatableResponse confirm(String consentId, String role) {
        return given().header("Authorization", Tokens.bearer("alice", role))
                .post("/consents/" + consentId + "/deletion-confirmation").then();
    }

    private static ValidatableResponse check(String ticket, String project) {
        return given().header("Authorization", Tokens.bearer("alice", "support-engineer"))
                .queryParam("ticketId", ticket).queryParam("action", "DOWNLOAD_DATA").queryParam("targetKind", "PROJECT")
                .queryParam("targetId", project).get("/consents/check").then().statusCode(200);
    }

    private static final class ConsentTestingRequests {
        static ValidatableResponse requestOnSolved(String ticket, String project) {
            return io.behalf.consent.ConsentTesting.request(ticket, "RERUN_PIPELINES", "PROJECT", project, "acme/app", null);
        }
    }
}
