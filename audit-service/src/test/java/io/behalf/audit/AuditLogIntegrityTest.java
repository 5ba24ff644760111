package io.behalf.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.behalf.audit.chain.CanonicalJson;
import io.behalf.audit.chain.ChainHash;
import io.behalf.audit.chain.Checkpoint;
import io.behalf.audit.chain.CheckpointSignature;
import io.behalf.audit.checkpoint.CheckpointKeys;
import io.behalf.audit.checkpoint.CheckpointWriter;
import io.behalf.events.EventType;
import io.behalf.events.audit.AuditRecord;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.behalf.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The log is append-only, its chain verifies, and edits, deletions and forged checkpoints are found. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
class AuditLogIntegrityTest {

    static final String AUDITOR = Tokens.bearer("audrey", "auditor");

    @Inject
    CheckpointWriter checkpoints;

    String ticket;
    List<String> eventIds;

    @BeforeEach
    void someRecords() {
        ticket = "ZD-" + UUID.randomUUID();
        eventIds = List.of(
                TestKafka.send(EventType.TICKET_OPENED, ticket, AuditIngestTest.fixture(EventType.TICKET_OPENED, ticket)),
                TestKafka.send(EventType.TICKET_COMMENT_ADDED, ticket,
                        AuditIngestTest.fixture(EventType.TICKET_COMMENT_ADDED, ticket)),
                TestKafka.send(EventType.TICKET_SOLVED, ticket, AuditIngestTest.fixture(EventType.TICKET_SOLVED, ticket)));
        eventIds.forEach(AuditDb::awaitStored);
    }

    @Test
    void theChainAndEveryCheckpointVerify() {
        Checkpoint written = checkpoints.current().orElseThrow();
        JsonPath result = verify();
        assertThat(result.getBoolean("ok")).as(result.prettify()).isTrue();
        assertThat(result.getLong("checked")).isGreaterThanOrEqualTo(3);
        assertThat((Object) result.get("firstBrokenSeq")).isNull();
        assertThat(result.getInt("checkpoints")).isGreaterThanOrEqualTo(1);

        // the published key verifies the listed checkpoint: a consumer can check it without this service
        JsonPath listed = given().header("Authorization", AUDITOR).queryParam("after", written.id() - 1)
                .get("/audit/checkpoints").then().statusCode(200).extract().jsonPath();
        assertThat(listed.getString("algorithm")).isEqualTo("Ed25519");
        Map<String, Object> first = listed.getMap("checkpoints[0]");
        assertThat(first.get("id")).isEqualTo(written.id().intValue());
        var publicKey = CheckpointSignature.publicKey(listed.getString("publicKey"));
        assertThat(CheckpointSignature.verify(publicKey, written)).isTrue();
        assertThat(listed.getString("checkpoints[0].message")).isEqualTo(written.message());
        String lastSeq = AuditDb.rows("select seq from audit_record where event_id = ?", eventIds.get(2)).get(0)
                .get("seq").toString();
        assertThat(written.heads()).anySatisfy(h -> assertThat(h.seq()).isGreaterThanOrEqualTo(Long.parseLong(lastSeq)));
    }

    @Test
    void aCheckpointFollowsEveryNRecordsWithoutBeingAsked() throws Exception {
        long lastCheckpoint = AuditDb.count("select coalesce(max(id), 0) from audit_checkpoint");
        String ticket = "ZD-" + UUID.randomUUID();
        List<String> ids = new java.util.ArrayList<>();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", BehalfTestInfrastructure.bootstrapServers(), "acks", "all"),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            for (int i = 0; i < 50; i++) { // behalf.audit.checkpoint.every-records in %test
                String id = UUID.randomUUID().toString();
                ids.add(id);
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(EventType.TICKET_COMMENT_ADDED.topic(),
                        null, ticket, AuditIngestTest.fixture(EventType.TICKET_COMMENT_ADDED, ticket),
                        TestKafka.cloudEventHeaders(id, EventType.TICKET_COMMENT_ADDED.type(), "/behalf/test")));
            }
            producer.flush();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> AuditDb.count(
                "select count(*) from audit_record where ticket_id = ?", ticket) == ids.size());
        long firstSeq = (Long) AuditDb.rows("select seq from audit_record where event_id = ?", ids.get(0)).get(0).get("seq");
        // the 50th record since the last checkpoint wrote one; the clock (every=1h in %test) did not
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> AuditDb.count(
                "select count(*) from audit_checkpoint where id > ? and heads::jsonb @> jsonb_build_array("
                        + "jsonb_build_object('chain', 0)) and (heads::jsonb -> 0 ->> 'seq')::bigint >= ?",
                lastCheckpoint, firstSeq) >= 1);
        assertThat(verify().getBoolean("ok")).isTrue();
    }

    @Test
    void theServiceRoleMayInsertAndSelectButNeverUpdateOrDelete() throws SQLException {
        String id = eventIds.get(0);
        try (Connection c = AuditDb.connect(); var s = c.createStatement()) {
            s.execute("set role audit_writer");
            try (var rs = s.executeQuery("select count(*) from audit_record where event_id = '" + id + "'")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            assertThatThrownBy(() -> s.executeUpdate("update audit_record set actor = 'mallory' where event_id = '" + id + "'"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501")); // insufficient_privilege
            assertThatThrownBy(() -> s.executeUpdate("delete from audit_record where event_id = '" + id + "'"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            assertThatThrownBy(() -> s.executeUpdate("update audit_checkpoint set signature = 'x'"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
        assertThat(AuditDb.rows("select actor from audit_record where event_id = ?", id).get(0).get("actor"))
                .isNotEqualTo("mallory");
    }

    @Test
    void theTriggerRefusesUpdateDeleteAndTruncateEvenForTheOwner() throws SQLException {
        String id = eventIds.get(0);
        try (Connection c = AuditDb.connect(); var s = c.createStatement()) {
            for (String sql : List.of("update audit_record set actor = 'mallory' where event_id = '" + id + "'",
                    "delete from audit_record where event_id = '" + id + "'",
                    "truncate audit_record",
                    "delete from audit_checkpoint")) {
                assertThatThrownBy(() -> s.execute(sql)).as(sql)
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("the audit log is append-only");
            }
        }
        assertThat(AuditDb.stored(id)).isEqualTo(1);
    }

    @Test
    void aRowEditedBehindTheTriggersBackMakesVerifyReportItsSeq() {
        String id = eventIds.get(1);
        Map<String, Object> row = AuditDb.rows("select chain, seq, actor, data from audit_record where event_id = ?", id).get(0);
        String original = row.get("data").toString();
        try {
            tamper("update audit_record set data = replace(data, 'ZD-', 'XX-') where event_id = '" + id + "'");
            JsonPath result = verify();
            assertThat(result.getBoolean("ok")).isFalse();
            assertThat(result.getLong("firstBrokenSeq")).isEqualTo((Long) row.get("seq"));
            assertThat(result.getInt("firstBrokenChain")).isEqualTo(row.get("chain"));
            assertThat(result.getString("reason")).contains("hash does not match");
        } finally {
            tamper("update audit_record set data = '" + sqlText(original) + "' where event_id = '" + id + "'");
        }
        assertThat(verify().getBoolean("ok")).isTrue();
    }

    @Test
    void aDeletedRowIsReportedAtItsSeq() {
        String id = eventIds.get(1);
        long seq = (Long) AuditDb.rows("select seq from audit_record where event_id = ?", id).get(0).get("seq");
        try {
            tamper("create table audit_tamper_backup as select * from audit_record where event_id = '" + id + "'",
                    "delete from audit_record where event_id = '" + id + "'");
            JsonPath result = verify();
            assertThat(result.getBoolean("ok")).isFalse();
            assertThat(result.getLong("firstBrokenSeq")).isEqualTo(seq);
            assertThat(result.getString("reason")).contains("deleted or reordered");
        } finally {
            tamper("insert into audit_record select * from audit_tamper_backup", "drop table audit_tamper_backup");
        }
        assertThat(verify().getBoolean("ok")).isTrue();
    }

    @Test
    void aForgedCheckpointSignatureIsDetected() {
        Checkpoint genuine = checkpoints.current().orElseThrow();
        // same heads, signed by a key that is not the service's: what an attacker without the key could produce
        String forgedSignature = CheckpointSignature.sign(CheckpointKeys.generate().getPrivate(), genuine.message());
        long forgedId = AuditDb.count("insert into audit_checkpoint (created_at, heads, key_id, signature) "
                + "values (?, ?, ?, ?) returning id", java.sql.Timestamp.from(genuine.createdAt()),
                Checkpoint.headsJson(genuine.heads()), genuine.keyId(), forgedSignature);
        try {
            JsonPath result = verify();
            assertThat(result.getBoolean("ok")).isFalse();
            assertThat(result.getList("brokenCheckpoints.id", Long.class)).containsExactly(forgedId);
            assertThat(result.getString("brokenCheckpoints[0].reason")).isEqualTo("signature does not verify");
            assertThat((Object) result.get("firstBrokenSeq")).as("the records themselves are intact").isNull();
        } finally {
            tamper("delete from audit_checkpoint where id = " + forgedId);
        }
    }

    @Test
    void aHeadRewrittenWithAConsistentHashIsCaughtByTheSignedCheckpoint() {
        Checkpoint signed = checkpoints.current().orElseThrow();
        var head = signed.heads().get(0);
        AuditRecord original = AuditDb.record(head.chain(), head.seq());
        // an insider with write access but without the signing key: edit the newest record and rehash it
        ObjectNode data = original.data().deepCopy();
        data.put("rewritten", true);
        AuditRecord edited = new AuditRecord(original.chain(), original.seq(), original.eventId(), original.type(),
                original.source(), original.subject(), original.ticketId(), original.actor(), original.occurredAt(),
                original.recordedAt(), data, original.prevHash(), null, original.notes());
        String rehashed = ChainHash.of(edited);
        String where = " where chain = " + head.chain() + " and seq = " + head.seq();
        try {
            tamper("update audit_record set data = '" + sqlText(CanonicalJson.write(data)) + "', hash = '" + rehashed + "'" + where);
            JsonPath result = verify();
            assertThat(result.getBoolean("ok")).isFalse();
            assertThat(result.getLong("firstBrokenSeq")).isEqualTo(head.seq());
            assertThat(result.getList("brokenCheckpoints.id", Long.class)).contains(signed.id());
        } finally {
            tamper("update audit_record set data = '" + sqlText(CanonicalJson.write(original.data())) + "', hash = '"
                    + original.hash() + "'" + where);
        }
        assertThat(verify().getBoolean("ok")).isTrue();
    }

    @Test
    void verifyAndCheckpointsNeedTheAuditorRole() {
        for (String path : List.of("/audit/verify", "/audit/checkpoints")) {
            given().get(path).then().statusCode(401)
                    .contentType("application/problem+json").body("status", equalTo(401));
            given().header("Authorization", Tokens.bearer("sam", "support-engineer")).get(path)
                    .then().statusCode(403).contentType("application/problem+json").body("status", equalTo(403));
            given().header("Authorization", AUDITOR).get(path).then().statusCode(200);
        }
    }

    static String sqlText(String s) {
        return s.replace("'", "''");
    }

    static JsonPath verify() {
        return given().header("Authorization", AUDITOR).get("/audit/verify").then().statusCode(200).extract().jsonPath();
    }

    /** A superuser changing the log with the append-only triggers switched off, as an insider could. */
    static void tamper(String... sql) {
        List<String> statements = new java.util.ArrayList<>(List.of("alter table audit_record disable trigger user",
                "alter table audit_checkpoint disable trigger user"));
        statements.addAll(List.of(sql));
        statements.add("alter table audit_record enable trigger user");
        statements.add("alter table audit_checkpoint enable trigger user");
        AuditDb.execute(statements.toArray(String[]::new));
    }
}
