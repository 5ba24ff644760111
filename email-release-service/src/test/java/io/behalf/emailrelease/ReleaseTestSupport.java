package io.behalf.emailrelease;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.behalf.emailrelease.consent.ReleaseConsent;
import io.behalf.emailrelease.consent.ReleaseConsentStatus;
import io.behalf.emailrelease.release.EmailRelease;
import io.behalf.emailrelease.release.ReleaseStatus;
import io.behalf.events.Action;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Target;
import io.behalf.events.TargetKind;
import io.behalf.events.consent.ConsentDenied;
import io.behalf.events.consent.ConsentExpired;
import io.behalf.events.consent.ConsentGranted;
import io.behalf.events.consent.ConsentRequested;
import io.behalf.events.consent.ConsentRevoked;
import io.behalf.events.consent.ExpiryReason;
import io.behalf.events.consent.GrantedBy;
import io.behalf.events.consent.Granter;
import io.behalf.events.emailrelease.EmailKind;
import io.behalf.events.emailrelease.EmailReleaseRequested;
import io.behalf.events.emailrelease.ReleaseReason;
import io.behalf.testing.TestKafka;
import io.behalf.testing.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the email-release tests do again and again: consents on consent.events, requests, outcomes. */
public final class ReleaseTestSupport {

    public static final Duration WITHIN = Duration.ofSeconds(30);

    private ReleaseTestSupport() {
    }

    public static String newTicket() {
        return "ZD-" + UUID.randomUUID();
    }

    /** consent-service asked the account holder to allow the release: the consent is PENDING here. */
    public static String consentRequested(String ticket, String account) {
        String consentId = UUID.randomUUID().toString();
        TestKafka.send(EventType.CONSENT_REQUESTED, ticket, new ConsentRequested(consentId, ticket,
                Action.RELEASE_EMAIL, new Target(TargetKind.USER, account, "user" + account), null, "support.alice",
                Granter.ACCOUNT_HOLDER, "Could you please confirm that you would like us to release the address?"
                        + " Replying in this ticket stating you provide permission will be sufficient.",
                Instant.now().plus(Duration.ofDays(4))));
        awaitConsent(consentId, ReleaseConsentStatus.PENDING);
        return consentId;
    }

    public static void grant(String ticket, String account, String consentId) {
        TestKafka.send(EventType.CONSENT_GRANTED, ticket, granted(ticket, account, consentId));
    }

    /** The account holder's grant of RELEASE_EMAIL on their account, valid for 8 hours. */
    public static ConsentGranted granted(String ticket, String account, String consentId) {
        return new ConsentGranted(consentId, ticket, Action.RELEASE_EMAIL, new Target(TargetKind.USER, account,
                "user" + account), new GrantedBy(account, "user" + account, "ACCOUNT_HOLDER"), "c-" + consentId,
                Instant.now().plus(Duration.ofHours(8)));
    }

    /** Requested and granted, and the grant already in this service's projection. */
    public static String grantedConsent(String ticket, String account) {
        String consentId = consentRequested(ticket, account);
        grant(ticket, account, consentId);
        awaitConsent(consentId, ReleaseConsentStatus.GRANTED);
        return consentId;
    }

    public static void end(ReleaseConsentStatus how, String ticket, String consentId) {
        switch (how) {
            case DENIED -> TestKafka.send(EventType.CONSENT_DENIED, ticket,
                    new ConsentDenied(consentId, ticket, "4711", "c-9"));
            case REVOKED -> TestKafka.send(EventType.CONSENT_REVOKED, ticket,
                    new ConsentRevoked(consentId, ticket, "support.alice", "user withdrew permission"));
            case EXPIRED -> TestKafka.send(EventType.CONSENT_EXPIRED, ticket,
                    new ConsentExpired(consentId, ticket, ExpiryReason.TTL));
            default -> throw new IllegalArgumentException(how + " does not end a consent");
        }
    }

    public static void awaitConsent(String consentId, ReleaseConsentStatus status) {
        await().atMost(WITHIN).until(() -> QuarkusTransaction.requiringNew().call(() -> ReleaseConsent
                .<ReleaseConsent>findByIdOptional(consentId).map(c -> c.status == status).orElse(false)));
    }

    /** POST /email-releases as a support engineer; returns the releaseId of the 202. */
    public static String post(String ticket, String account, String email, EmailKind kind) {
        return given().header("Authorization", Tokens.bearer("support.alice", "support-engineer"))
                .contentType(ContentType.JSON)
                .body("""
                        {"ticketId": "%s", "accountId": "%s", "email": "%s", "emailKind": "%s",
                         "reason": "LOST_ACCESS_INACTIVE"}""".formatted(ticket, account, email, kind))
                .post("/email-releases")
                .then().statusCode(202)
                .extract().path("releaseId");
    }

    /** The request as another producer would publish it on email-release.events; returns the releaseId. */
    public static String publishRequest(String ticket, String account, String email, EmailKind kind) {
        String releaseId = UUID.randomUUID().toString();
        TestKafka.send(EventType.EMAIL_RELEASE_REQUESTED, account, new EmailReleaseRequested(releaseId, ticket,
                account, email, kind, ReleaseReason.UNVERIFIED_ON_OTHER_ACCOUNT, "support.bob"));
        return releaseId;
    }

    /** With the account's consent granted first, posts the request and reads its outcome as {@code type}. */
    public static <T extends Record> T releaseWithConsent(String account, String email, EmailKind kind, Class<T> type) {
        String ticket = newTicket();
        grantedConsent(ticket, account);
        try (var releaseEvents = TestKafka.fromNow(io.behalf.events.Topics.EMAIL_RELEASE_EVENTS)) {
            String releaseId = post(ticket, account, email, kind);
            ConsumerRecord<String, String> outcome = awaitOutcome(releaseEvents, releaseId);
            org.assertj.core.api.Assertions.assertThat(TestKafka.header(outcome, "ce_type"))
                    .isEqualTo(EventType.of(type).type());
            return EventJson.read(outcome.value(), type);
        }
    }

    /** The row an instance leaves while working: IN_PROGRESS at {@code step}, claimed with {@code token} until then. */
    public static String inProgress(String account, String email, io.behalf.emailrelease.release.ReleaseStep step,
            String newEmail, String consentId, UUID token, Instant claimedUntil) {
        String id = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> {
            EmailRelease r = new EmailRelease();
            r.id = id;
            r.ticketId = "ZD-crash";
            r.accountId = account;
            r.email = email;
            r.emailKind = EmailKind.PRIMARY;
            r.reason = ReleaseReason.LOST_ACCESS_INACTIVE;
            r.requestedBy = "support.alice";
            r.status = ReleaseStatus.IN_PROGRESS;
            r.step = step;
            r.consentId = consentId;
            r.newEmail = newEmail;
            r.claimToken = token;
            r.claimedUntil = claimedUntil;
            r.nextAttemptAt = Instant.now().minus(Duration.ofMinutes(1));
            r.requestedAt = Instant.now().minus(Duration.ofMinutes(5));
            r.updatedAt = r.requestedAt;
            r.persist();
        });
        return id;
    }

    /** Waits for the release's completed or rejected event. */
    public static ConsumerRecord<String, String> awaitOutcome(TestKafka.TopicReader releaseEvents, String releaseId) {
        return releaseEvents.await(r -> isOutcome(r) && releaseId.equals(releaseIdOf(r)), WITHIN);
    }

    public static String releaseIdOf(ConsumerRecord<String, String> r) {
        try {
            return EventJson.MAPPER.readTree(r.value()).path("releaseId").asText();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    public static boolean isOutcome(ConsumerRecord<String, String> r) {
        return TestKafka.ofType(EventType.EMAIL_RELEASE_COMPLETED).or(TestKafka.ofType(EventType.EMAIL_RELEASE_REJECTED))
                .test(r);
    }

    public static JsonPath view(String releaseId) {
        return given().header("Authorization", Tokens.bearer("auditor.ann", "auditor"))
                .get("/email-releases/" + releaseId)
                .then().statusCode(200).extract().jsonPath();
    }

    public static void awaitStatus(String releaseId, ReleaseStatus status) {
        await().atMost(WITHIN).until(() -> QuarkusTransaction.requiringNew().call(() -> EmailRelease
                .<EmailRelease>findByIdOptional(releaseId).map(r -> r.status == status).orElse(false)));
    }
}
