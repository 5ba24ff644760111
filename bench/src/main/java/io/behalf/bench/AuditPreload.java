package io.behalf.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.behalf.audit.chain.CanonicalJson;
import io.behalf.audit.chain.ChainHash;
import io.behalf.events.EventFixtures;
import io.behalf.events.EventType;
import io.behalf.events.audit.AuditRecord;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * Grows the audit log to a given size fast, with COPY instead of Kafka, while audit-service is stopped and after it
 * published what it stored. The rows continue chain 0 from its head and are hashed by the service's own
 * {@link ChainHash} over its own canonical JSON, so the chain stays one the service appends to and verifies; they
 * are marked published.
 */
final class AuditPreload {

    private static final String COLUMNS = "chain, seq, event_id, type, source, subject, ticket_id, actor, occurred_at, "
            + "recorded_at, data, notes, prev_hash, hash, spec_version, data_content_type, record_key, topic, "
            + "kafka_partition, kafka_offset";
    private static final int CHUNK = 20_000;

    private AuditPreload() {
    }

    /** Appends rows to chain 0 until it holds {@code size}; returns how many were added. */
    static long growTo(Connection db, long size) throws SQLException, IOException {
        long seq;
        String prevHash;
        try (PreparedStatement s = db.prepareStatement(
                "select seq, hash from audit_record where chain = 0 order by seq desc limit 1");
                ResultSet rs = s.executeQuery()) {
            seq = rs.next() ? rs.getLong(1) : 0;
            prevHash = seq == 0 ? ChainHash.GENESIS : rs.getString(2);
        }
        long added = 0;
        ObjectNode fixture = (ObjectNode) CanonicalJson.read(EventFixtures.json(EventType.CONSENT_REQUESTED));
        Instant recordedAt = ChainHash.micros(Instant.now());
        StringBuilder chunk = new StringBuilder();
        while (seq < size) {
            chunk.setLength(0);
            for (int i = 0; i < CHUNK && seq < size; i++) {
                seq++;
                String ticket = "GROW-" + seq;
                String consentId = UUID.randomUUID().toString();
                ObjectNode data = fixture.deepCopy();
                data.put("consentId", consentId);
                data.put("ticketId", ticket);
                String dataText = CanonicalJson.write(data);
                Instant occurredAt = recordedAt.minus(1, ChronoUnit.SECONDS);
                String eventId = UUID.randomUUID().toString();
                AuditRecord r = new AuditRecord(0, seq, eventId, EventType.CONSENT_REQUESTED.type(), "/behalf/bench",
                        consentId, ticket, "bench", occurredAt, recordedAt, CanonicalJson.read(dataText), prevHash, null,
                        List.of());
                String hash = ChainHash.of(r);
                row(chunk, "0", String.valueOf(seq), eventId, r.type(), r.source(), consentId, ticket, "bench",
                        occurredAt.toString(), recordedAt.toString(), dataText, "[]", prevHash, hash, "1.0",
                        "application/json", ticket, "consent.events", "0", String.valueOf(seq));
                prevHash = hash;
                added++;
            }
            db.unwrap(PGConnection.class).getCopyAPI().copyIn("copy audit_record (" + COLUMNS + ") from stdin",
                    new StringReader(chunk.toString()));
        }
        // the rows stand for history published long ago: left unpublished, the restarted service sent all of them
        // on audit.records while its ingest was being measured (840,000 at the 1M size)
        try (PreparedStatement s = db.prepareStatement("""
                insert into audit_publication (chain, published_seq) values (0, ?)
                on conflict (chain) do update set published_seq = excluded.published_seq""")) {
            s.setLong(1, seq);
            s.executeUpdate();
        }
        return added;
    }

    /** One line of COPY's text format: tab-separated, with backslash, tab and newline escaped. */
    private static void row(StringBuilder out, String... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            String v = values[i];
            for (int c = 0; c < v.length(); c++) {
                char ch = v.charAt(c);
                switch (ch) {
                    case '\\' -> out.append("\\\\");
                    case '\t' -> out.append("\\t");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    default -> out.append(ch);
                }
            }
        }
        out.append('\n');
    }
}
