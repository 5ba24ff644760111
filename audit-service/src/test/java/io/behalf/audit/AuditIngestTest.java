package io.behalf.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.behalf.audit.publish.AuditRecordRelay;
import io.behalf.events.EventFixtures;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Topics;
import io.behalf.events.audit.AuditRecord;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Domain events in, audit records stored once and published; bad records out to the dead-letter topic. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
class AuditIngestTest {

    static final String DEAD_LETTERS = Topics.deadLetters("audit-service");

    @Test
    void everyDomainEventTypeLandsOnceEvenWhenDeliveredTwice() {
        String ticket = "ZD-" + UUID.randomUUID();
        Map<EventType, String> ids = new LinkedHashMap<>();
        List<EventType> domain = Arrays.stream(EventType.values()).filter(t -> t != EventType.AUDIT_RECORD).toList();
        for (EventType type : domain) {
            String id = UUID.randomUUID().toString();
            String json = fixture(type, ticket);
            TestKafka.send(type, key(type, ticket), id, json);
            TestKafka.send(type, key(type, ticket), id, json); // the same ce_id again: a redelivery
            ids.put(type, id);
        }
        // one more record per topic and key: once it is stored, both copies sent before it were handled
        List<String> markers = new ArrayList<>();
        for (String topic : Topics.DOMAIN) {
            EventType type = domain.stream().filter(t -> t.topic().equals(topic)).findFirst().orElseThrow();
            markers.add(TestKafka.send(type, key(type, ticket), fixture(type, ticket)));
        }
        markers.forEach(AuditDb::awaitStored);

        assertThat(domain).hasSizeGreaterThanOrEqualTo(25);
        for (Map.Entry<EventType, String> e : ids.entrySet()) {
            var rows = AuditDb.rows("select * from audit_record where event_id = ?", e.getValue());
            assertThat(rows).as(e.getKey().type()).hasSize(1);
            var row = rows.get(0);
            assertThat(row.get("type")).isEqualTo(e.getKey().type());
            assertThat(row.get("source")).isEqualTo("/behalf/test");
            assertThat(row.get("spec_version")).isEqualTo("1.0");
            assertThat(row.get("data_content_type")).isEqualTo("application/json");
            assertThat(row.get("topic")).isEqualTo(e.getKey().topic());
            assertThat(row.get("record_key")).isEqualTo(key(e.getKey(), ticket));
            assertThat((Long) row.get("kafka_offset")).isNotNegative();
            assertThat(row.get("kafka_partition")).isNotNull();
            assertThat(row.get("occurred_at")).isNotNull();
            assertThat(readTree(row.get("data").toString()))
                    .isEqualTo(readTree(fixture(e.getKey(), ticket)));
        }
        var granted = AuditDb.rows("select ticket_id, actor, subject from audit_record where event_id = ?",
                ids.get(EventType.CONSENT_GRANTED)).get(0);
        assertThat(granted.get("ticket_id")).isEqualTo(ticket);
        assertThat(granted.get("actor")).isEqualTo(
                readTree(fixture(EventType.CONSENT_GRANTED, ticket)).at("/grantedBy/userId").asText());
        assertThat(granted.get("subject")).isEqualTo(
                readTree(fixture(EventType.CONSENT_GRANTED, ticket)).get("consentId").asText());
    }

    @Test
    void anImpersonationRecordSaysItOverwroteTheUsersSignInAndIsPublishedSo() {
        String impersonation = "gl-audit-" + UUID.randomUUID();
        String json = EventFixtures.json(EventType.IMPERSONATION_STARTED).replace("gl-audit-88211", impersonation);
        try (var auditRecords = TestKafka.fromNow(Topics.AUDIT_RECORDS)) {
            String id = TestKafka.send(EventType.IMPERSONATION_STARTED, "4711", json);
            ConsumerRecord<String, String> published = auditRecords.await(
                    r -> r.value().contains(id), Duration.ofSeconds(30));
            AuditRecord record = EventJson.read(published.value(), AuditRecord.class);
            assertThat(record.notes()).singleElement().asString()
                    .contains("overwrote the Current sign-in IP and Current sign-in at of user jdoe (GitLab user 4711)")
                    .contains("from 203.0.113.7")
                    .contains("not the user's own sign-in");
            assertThat(record.actor()).isEqualTo("1");
            assertThat(published.key()).isEqualTo(impersonation); // no ticket: keyed by the subject
            assertThat(AuditDb.rows("select notes from audit_record where event_id = ?", id).get(0).get("notes")
                    .toString()).contains("not the user's own sign-in");
        }
    }

    @Test
    void auditRecordsCarriesTheStoredRecordsInChainOrder() {
        String ticket = "ZD-" + UUID.randomUUID();
        try (var auditRecords = TestKafka.fromNow(Topics.AUDIT_RECORDS)) {
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                sent.add(TestKafka.send(EventType.TICKET_COMMENT_ADDED, ticket,
                        fixture(EventType.TICKET_COMMENT_ADDED, ticket)));
            }
            List<ConsumerRecord<String, String>> published = auditRecords.awaitAll(
                    r -> ticket.equals(r.key()), 6, Duration.ofSeconds(30));
            List<AuditRecord> records = published.stream()
                    .map(r -> EventJson.read(r.value(), AuditRecord.class)).toList();
            assertThat(published).allSatisfy(r -> {
                assertThat(TestKafka.header(r, "ce_type")).isEqualTo("behalf.audit.record");
                assertThat(TestKafka.header(r, "ce_source")).isEqualTo("/behalf/audit-service");
            });
            assertThat(records).extracting(AuditRecord::eventId).containsExactlyElementsOf(sent);
            assertThat(records).extracting(AuditRecord::seq).isSorted().doesNotHaveDuplicates();
            for (AuditRecord r : records) {
                var row = AuditDb.rows("select chain, seq, hash, prev_hash from audit_record where event_id = ?",
                        r.eventId()).get(0);
                assertThat(row.get("seq")).isEqualTo(r.seq());
                assertThat(row.get("hash")).isEqualTo(r.hash());
                assertThat(row.get("prev_hash")).isEqualTo(r.prevHash());
                assertThat(r.ticketId()).isEqualTo(ticket);
            }
        }
    }

    @Test
    void aRecordPublishedAgainAfterALostCursorUpdateCarriesTheSameCeId() {
        String ticket = "ZD-" + UUID.randomUUID();
        try (var auditRecords = TestKafka.fromNow(Topics.AUDIT_RECORDS)) {
            String id = TestKafka.send(EventType.TICKET_SOLVED, ticket, fixture(EventType.TICKET_SOLVED, ticket));
            ConsumerRecord<String, String> first = auditRecords.await(r -> r.value().contains(id), Duration.ofSeconds(30));
            AuditRecord record = EventJson.read(first.value(), AuditRecord.class);
            assertThat(TestKafka.header(first, "ce_id")).isEqualTo(AuditRecordRelay.cloudEventId(id).toString());
            await().atMost(Duration.ofSeconds(10)).until(() -> AuditDb.count(
                    "select count(*) from audit_publication where chain = ? and published_seq >= ?", record.chain(),
                    record.seq()) == 1);

            // as if the relay crashed after the broker's ack and before its cursor update committed (under the
            // chain's publish lock, so that no round in flight overwrites the cursor)
            AuditDb.execute("select pg_advisory_xact_lock(" + AuditRecordRelay.PUBLISH_LOCK + ", " + record.chain() + ")",
                    "update audit_publication set published_seq = " + (record.seq() - 1) + " where chain = "
                            + record.chain());

            ConsumerRecord<String, String> again = auditRecords.awaitAll(r -> r.value().contains(id), 2,
                    Duration.ofSeconds(30)).get(1);
            assertThat(TestKafka.header(again, "ce_id")).isEqualTo(TestKafka.header(first, "ce_id"));
            assertThat(again.key()).isEqualTo(first.key()).isEqualTo(ticket);
            assertThat(EventJson.read(again.value(), AuditRecord.class)).isEqualTo(record);
        }
    }

    @Test
    void badRecordsAreStoredNowhereButDeadLetteredWithTheirReasonAndCounted() {
        String ticket = "ZD-" + UUID.randomUUID();
        double before = deadLetterCount();
        try (var deadLetters = TestKafka.fromNow(DEAD_LETTERS)) {
            String notJson = UUID.randomUUID().toString();
            TestKafka.sendRaw(Topics.TICKET_EVENTS, ticket, "{not json",
                    TestKafka.cloudEventHeaders(notJson, EventType.TICKET_SOLVED.type(), "/t"));
            TestKafka.sendRaw(Topics.TICKET_EVENTS, ticket, fixture(EventType.TICKET_SOLVED, ticket),
                    TestKafka.cloudEventHeaders(null, EventType.TICKET_SOLVED.type(), "/t"));
            String unknown = UUID.randomUUID().toString();
            TestKafka.sendRaw(Topics.CONSENT_EVENTS, ticket, fixture(EventType.CONSENT_DENIED, ticket),
                    TestKafka.cloudEventHeaders(unknown, "behalf.consent.teleported", "/t"));
            String wrongTopic = UUID.randomUUID().toString();
            TestKafka.sendRaw(Topics.TICKET_EVENTS, ticket, fixture(EventType.CONSENT_DENIED, ticket),
                    TestKafka.cloudEventHeaders(wrongTopic, EventType.CONSENT_DENIED.type(), "/t"));
            String missingField = UUID.randomUUID().toString();
            TestKafka.send(EventType.TICKET_SOLVED, ticket, missingField, "{\"ticketId\": \"" + ticket + "\"}");
            String good = TestKafka.send(EventType.TICKET_SOLVED, ticket, fixture(EventType.TICKET_SOLVED, ticket));

            List<ConsumerRecord<String, String>> dead = deadLetters.awaitAll(r -> ticket.equals(r.key()), 5,
                    Duration.ofSeconds(30));
            List<String> reasons = dead.stream().map(r -> TestKafka.header(r, "dead-letter-reason")).toList();
            assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("not JSON"));
            assertThat(reasons).contains("missing CloudEvents header ce_id",
                    "unknown event type behalf.consent.teleported",
                    "event type behalf.consent.denied does not belong on topic ticket.events",
                    "missing required field 'solvedAt'");
            assertThat(dead).allSatisfy(r -> {
                assertThat(TestKafka.header(r, "dead-letter-topic")).isIn(Topics.TICKET_EVENTS, Topics.CONSENT_EVENTS);
                assertThat(TestKafka.header(r, "dead-letter-offset")).isNotBlank();
            });
            AuditDb.awaitStored(good);
            for (String id : List.of(notJson, unknown, wrongTopic, missingField)) {
                assertThat(AuditDb.stored(id)).as(id).isZero();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> deadLetterCount() >= before + 5);
        }
    }

    @Test
    void aRecordTheDatabaseRefusesIsDeadLetteredAloneAndTheRestOfItsBatchIsStored() {
        String ticket = "ZD-" + UUID.randomUUID();
        try (var deadLetters = TestKafka.fromNow(DEAD_LETTERS)) {
            String before = TestKafka.send(EventType.TICKET_OPENED, ticket, fixture(EventType.TICKET_OPENED, ticket));
            // valid JSON and a valid event, but PostgreSQL refuses a NUL in text on every attempt
            String poison = TestKafka.send(EventType.TICKET_SOLVED, ticket,
                    fixture(EventType.TICKET_SOLVED, ticket).replace(ticket, ticket + "\\u0000"));
            String after = TestKafka.send(EventType.TICKET_SOLVED, ticket, fixture(EventType.TICKET_SOLVED, ticket));

            ConsumerRecord<String, String> dead = deadLetters.await(r -> ticket.equals(r.key()), Duration.ofSeconds(30));
            assertThat(TestKafka.header(dead, "ce_id")).isEqualTo(poison);
            assertThat(TestKafka.header(dead, "dead-letter-reason")).isNotBlank();
            assertThat(TestKafka.header(dead, "dead-letter-topic")).isEqualTo(Topics.TICKET_EVENTS);
            AuditDb.awaitStored(before);
            AuditDb.awaitStored(after);
            assertThat(AuditDb.stored(poison)).isZero();
        }
    }

    static double deadLetterCount() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^behalf_dead_letters_total\\{[^}]*consumer=\"domain-events\"[^}]*} (\\S+)$")
                .matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    static String fixture(EventType type, String ticket) {
        return EventFixtures.json(type).replace("ZD-1001", ticket).replace("ZD-1002", ticket);
    }

    static String key(EventType type, String ticket) {
        return switch (type.topic()) {
            case Topics.EMAIL_RELEASE_EVENTS -> "9001";
            case Topics.IMPERSONATION_EVENTS -> "4711";
            default -> ticket;
        };
    }

    static JsonNode readTree(String json) {
        try {
            return EventJson.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
