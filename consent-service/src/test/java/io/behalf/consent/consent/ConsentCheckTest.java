package io.behalf.consent.consent;

import static io.behalf.consent.ConsentTesting.newId;
import static io.behalf.consent.ConsentTesting.sql;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.behalf.consent.gitlab.GitLabStub;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.Tokens;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rule 1 as {@code GET /consents/check} answers it, one consent state at a time: the rows are written directly, so
 * each case is exactly the state it names, including deadlines already passed before any sweep ran.
 */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GitLabStub.class, scope = TestResourceScope.GLOBAL)
class ConsentCheckTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final String DEADLINE_SWEEP = "consent-deadlines";

    @Inject
    EntityManager em;

    @Inject
    Scheduler scheduler;

    /**
     * Some cases put rows past their deadline and ask before the sweep ends them: the sweeper (every second in
     * tests) would otherwise end them first now and then, and the check would answer for the ended consent.
     */
    @BeforeEach
    void holdTheDeadlineSweep() {
        scheduler.pause(DEADLINE_SWEEP);
    }

    @AfterEach
    void releaseTheDeadlineSweep() {
        scheduler.resume(DEADLINE_SWEEP);
    }

    @Test
    void aValidGrantForExactlyThisActionAndTargetAllows() {
        String ticket = ticket(null);
        String project = newId();
        UUID granted = consent(ticket, "DELETE_PROJECT", project, "GRANTED", Instant.now().plus(HOUR), null);
        check(ticket, "DELETE_PROJECT", project).body("allowed", equalTo(true))
                .body("consentId", equalTo(granted.toString()))
                .body("reason", startsWith("granted by owner (OWNER) in comment c-1, valid until "));
        // rule 4: another action on the same target, or the same action on another target, has no consent
        check(ticket, "DOWNLOAD_DATA", project).body("allowed", equalTo(false)).body("consentId", nullValue())
                .body("reason", equalTo("no consent was requested for DOWNLOAD_DATA on PROJECT " + project));
        check(ticket, "DELETE_PROJECT", newId()).body("allowed", equalTo(false)).body("consentId", nullValue());
    }

    @Test
    void aGrantPastItsDeadlineRefusesEvenBeforeTheSweepEndsIt() {
        String ticket = ticket(null);
        String project = newId();
        UUID granted = consent(ticket, "DELETE_PROJECT", project, "GRANTED", Instant.now().minusSeconds(1), null);
        check(ticket, "DELETE_PROJECT", project).body("allowed", equalTo(false))
                .body("consentId", equalTo(granted.toString())).body("reason", startsWith("the grant expired at "));
    }

    @Test
    void aGrantUnderReviewOrRejectedInReviewRefuses() {
        String ticket = ticket(null);
        String waiting = newId();
        String rejected = newId();
        consent(ticket, "DELETE_PROJECT", waiting, "GRANTED", Instant.now().plus(HOUR), ConsentLifecycle.Review.REQUESTED);
        consent(ticket, "DELETE_PROJECT", rejected, "GRANTED", Instant.now().plus(HOUR), ConsentLifecycle.Review.REJECTED);
        check(ticket, "DELETE_PROJECT", waiting).body("allowed", equalTo(false))
                .body("reason", equalTo("granted, but waiting for a Support manager's review"));
        check(ticket, "DELETE_PROJECT", rejected).body("allowed", equalTo(false))
                .body("reason", equalTo("granted, but a Support manager rejected it in review"));
    }

    @Test
    void aPendingRequestSaysWhetherItIsStillWaiting() {
        String ticket = ticket(null);
        String open = newId();
        String lapsed = newId();
        pending(ticket, open, Instant.now().plus(HOUR));
        pending(ticket, lapsed, Instant.now().minusSeconds(1));
        check(ticket, "DELETE_PROJECT", open).body("allowed", equalTo(false))
                .body("reason", equalTo("waiting for the permission reply"));
        check(ticket, "DELETE_PROJECT", lapsed).body("allowed", equalTo(false))
                .body("reason", equalTo("the request expired without a reply"));
    }

    @Test
    void aValidGrantCountsEvenWhenANewerRequestForTheSameTargetEnded() {
        String ticket = ticket(null);
        String project = newId();
        UUID granted = consent(ticket, "DELETE_PROJECT", project, "GRANTED", Instant.now().plus(HOUR), null);
        UUID revoked = consent(ticket, "DELETE_PROJECT", project, "REVOKED", null, null);
        check(ticket, "DELETE_PROJECT", project).body("allowed", equalTo(true))
                .body("consentId", equalTo(granted.toString()));
        sql(em, "update consent set status = 'EXPIRED', end_reason = 'TTL' where id = ?1", granted);
        check(ticket, "DELETE_PROJECT", project).body("allowed", equalTo(false))
                .body("consentId", equalTo(revoked.toString()))
                .body("reason", equalTo("the consent was revoked: changed my mind"));
    }

    @Test
    void aSolvedTicketAllowsNothingAndNamesItsLatestConsent() {
        String ticket = ticket(Instant.now().minusSeconds(60));
        String project = newId();
        consent(ticket, "DELETE_PROJECT", project, "GRANTED", Instant.now().plus(HOUR), null);
        UUID latest = consent(ticket, "DELETE_PROJECT", project, "GRANTED", Instant.now().plus(HOUR), null);
        check(ticket, "DELETE_PROJECT", project).body("allowed", equalTo(false))
                .body("consentId", equalTo(latest.toString())).body("reason", equalTo("ticket " + ticket + " is solved"));
        check(ticket, "DELETE_PROJECT", newId()).body("allowed", equalTo(false)).body("consentId", nullValue())
                .body("reason", equalTo("ticket " + ticket + " is solved"));
    }

    @Test
    void anUnknownTicketHasNoConsent() {
        String ticket = "ZD-" + UUID.randomUUID();
        check(ticket, "DELETE_PROJECT", "5").body("allowed", equalTo(false)).body("consentId", nullValue())
                .body("reason", equalTo("no consent was requested for DELETE_PROJECT on PROJECT 5"));
    }

    private ValidatableResponse check(String ticket, String action, String project) {
        return given().header("Authorization", Tokens.bearer("alice", "support-engineer")).queryParam("ticketId", ticket)
                .queryParam("action", action).queryParam("targetKind", "PROJECT").queryParam("targetId", project)
                .get("/consents/check").then().statusCode(200);
    }

    private String ticket(Instant solvedAt) {
        String ticket = "ZD-" + UUID.randomUUID();
        sql(em, "insert into ticket (ticket_id, requester_user_id, requester_username, opened_at, solved_at) "
                + "values (?1, 'u1', 'user1', now(), cast(?2 as timestamptz))", ticket, at(solvedAt));
        return ticket;
    }

    private void pending(String ticket, String project, Instant expiresAt) {
        UUID id = consent(ticket, "DELETE_PROJECT", project, "PENDING", null, null);
        sql(em, "update consent set expires_at = cast(?1 as timestamptz) where id = ?2", at(expiresAt), id);
    }

    /** A consent requested now (each later one a millisecond newer), granted by the owner where granted. */
    private UUID consent(String ticket, String action, String project, String status, Instant validUntil,
            String review) {
        UUID id = UUID.randomUUID();
        boolean granted = validUntil != null;
        sql(em, """
                insert into consent (id, ticket_id, action, target_kind, target_id, requested_by, granter, message,
                    status, requested_at, expires_at, granted_by_user_id, granted_by_username, granted_by_role,
                    evidence_comment_id, valid_until, end_reason, review_status)
                values (?1, ?2, ?3, 'PROJECT', ?4, 'alice', 'OWNER_OR_MAINTAINER', 'may we?', ?5,
                    clock_timestamp(), now() + interval '1 day', ?6, ?7, ?8, ?9, cast(?10 as timestamptz), ?11, ?12)""",
                id, ticket, action, project, status, granted ? "u-owner" : null, granted ? "owner" : null,
                granted ? "OWNER" : null, granted ? "c-1" : null, at(validUntil),
                "REVOKED".equals(status) ? "changed my mind" : null, review);
        return id;
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
