package io.behalf.impersonation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.behalf.events.Action;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Target;
import io.behalf.events.TargetKind;
import io.behalf.events.consent.ConsentDenied;
import io.behalf.events.consent.ConsentGranted;
import io.behalf.events.consent.ConsentRequested;
import io.behalf.events.consent.ConsentRevoked;
import io.behalf.events.consent.GrantedBy;
import io.behalf.events.consent.Granter;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * consent.events is applied a poll batch at a time, the batch's consents locked and written together: every event
 * of a burst must take effect on its consent, an end must stay an end whatever follows it, and a record delivered
 * twice must count once.
 */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ExternalApisStub.class, scope = TestResourceScope.GLOBAL)
class ConsentProjectionBatchTest extends ServiceTestSupport {

    @Test
    void aBurstOfConsentEventsTakesEffectAsAWholeAndAnEndStaysAnEnd() {
        String ticket = "ZD-" + UUID.randomUUID();
        String userId = newUserId();
        String revoked = UUID.randomUUID().toString();
        String granted = UUID.randomUUID().toString();
        String denied = UUID.randomUUID().toString();
        Instant validUntil = Instant.now().plus(8, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

        // sent back to back on one key, so one partition in this order, and mostly read as one poll batch
        requested(revoked, ticket, userId);
        TestKafka.send(EventType.CONSENT_GRANTED, ticket, granted(revoked, ticket, userId, validUntil));
        TestKafka.send(EventType.CONSENT_REVOKED, ticket, new ConsentRevoked(revoked, ticket, "alice", "done"));
        // the grant again after its end (a replay under a new ce_id): the consent stays ended
        TestKafka.send(EventType.CONSENT_GRANTED, ticket, granted(revoked, ticket, userId, validUntil));
        requested(granted, ticket, userId);
        String grantId = UUID.randomUUID().toString();
        String grant = EventJson.write(granted(granted, ticket, userId, validUntil));
        TestKafka.send(EventType.CONSENT_GRANTED, ticket, grantId, grant);
        TestKafka.send(EventType.CONSENT_GRANTED, ticket, grantId, grant);
        TestKafka.send(EventType.CONSENT_DENIED, ticket, new ConsentDenied(denied, ticket, "user-" + userId, "c-2"));

        await().atMost(WITHIN).until(() -> projection(denied) != null);
        assertThat(projection(revoked)).containsExactly("ENDED", Action.IMPERSONATE_USER.name(), userId);
        assertThat(projection(granted)).containsExactly("GRANTED", Action.IMPERSONATE_USER.name(), userId);
        // a consent first heard of by its end is kept as ended, with what that event says
        assertThat(projection(denied)).containsExactly("ENDED", null, null);
        assertThat(processed(grantId)).isOne();
    }

    private static void requested(String consentId, String ticket, String userId) {
        TestKafka.send(EventType.CONSENT_REQUESTED, ticket, new ConsentRequested(consentId, ticket,
                Action.IMPERSONATE_USER, new Target(TargetKind.USER, userId, "user-" + userId), null, "support.alice",
                Granter.ACCOUNT_HOLDER, "May we sign in as you to look at the problem?",
                Instant.now().plus(4, ChronoUnit.DAYS)));
    }

    private static ConsentGranted granted(String consentId, String ticket, String userId, Instant validUntil) {
        return new ConsentGranted(consentId, ticket, Action.IMPERSONATE_USER,
                new Target(TargetKind.USER, userId, "user-" + userId),
                new GrantedBy(userId, "user-" + userId, "ACCOUNT_HOLDER"), "c-1", validUntil);
    }

    private List<String> projection(String consentId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<?> rows = em.createNativeQuery(
                    "select status, action, target_id from consent_projection where consent_id = ?1")
                    .setParameter(1, consentId).getResultList();
            return rows.isEmpty() ? null
                    : java.util.Arrays.stream((Object[]) rows.get(0)).map(v -> (String) v).toList();
        });
    }

    private long processed(String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from processed_event where event_id = ?1").setParameter(1, eventId)
                .getSingleResult()).longValue());
    }
}
