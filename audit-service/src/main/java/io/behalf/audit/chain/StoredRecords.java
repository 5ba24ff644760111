package io.behalf.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.util.RawValue;
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
        return read(rs, CanonicalJson.read(rs.getString("data")));
    }

    /**
     * The record with its data left as the stored canonical text, which a JSON writer copies out as it is: for
     * publishing, where reading the text into a tree only to write it back cost as much as the rest of the record.
     */
    public static AuditRecord readForWriting(ResultSet rs) throws SQLException {
        return read(rs, JsonNodeFactory.instance.rawValueNode(new RawValue(rs.getString("data"))));
    }

    private static AuditRecord read(ResultSet rs, JsonNode data) throws SQLException {
        List<String> notes = new ArrayList<>();
        CanonicalJson.read(rs.getString("notes")).forEach(n -> notes.add(n.asText()));
        return new AuditRecord(rs.getInt("chain"), rs.getLong("seq"), rs.getString("event_id"), rs.getString("type"),
                rs.getString("source"), rs.getString("subject"), rs.getString("ticket_id"), rs.getString("actor"),
                rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                rs.getObject("recorded_at", OffsetDateTime.class).toInstant(),
                data, rs.getString("prev_hash"), rs.getString("hash"), notes);
    }

    public static String notesJson(List<String> notes) {
        ArrayNode array = CanonicalJson.array();
        if (notes != null) {
            notes.forEach(array::add);
        }
        return CanonicalJson.write(array);
    }
}
