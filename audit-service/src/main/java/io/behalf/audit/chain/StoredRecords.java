package io.behalf.audit.chain;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.behalf.events.audit.AuditRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Reads audit_record rows back into the normalized record that is hashed, published and exported. */
public final class StoredRecords {

    public static final String COLUMNS = "chain, seq, event_id, type, source, subject, ticket_id, actor, "
            + "occurred_at, recorded_at, data, notes, prev_hash, hash";

    private StoredRecords() {
    }

    public static AuditRecord read(ResultSet rs) throws SQLException {
        List<String> notes = new ArrayList<>();
        CanonicalJson.read(rs.getString("notes")).forEach(n -> notes.add(n.asText()));
        return new AuditRecord(rs.getInt("chain"), rs.getLong("seq"), rs.getString("event_id"), rs.getString("type"),
                rs.getString("source"), rs.getString("subject"), rs.getString("ticket_id"), rs.getString("actor"),
                rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                rs.getObject("recorded_at", OffsetDateTime.class).toInstant(),
                CanonicalJson.read(rs.getString("data")), rs.getString("prev_hash"), rs.getString("hash"), notes);
    }

    public static String notesJson(List<String> notes) {
        ArrayNode array = CanonicalJson.array();
        if (notes != null) {
            notes.forEach(array::add);
        }
        return CanonicalJson.write(array);
    }
}
