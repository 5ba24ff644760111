package io.behalf.audit.query;

import io.behalf.web.ProblemException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The filters of GET /audit/records and /audit/export as SQL. Records are ordered by (chain, seq), which is
 * stable and unique; {@code after} is the cursor of the last record seen: its seq (chain 0, the only chain by
 * default) or {@code chain:seq}. {@code from} is inclusive and {@code to} exclusive, both on occurredAt.
 */
public record AuditFilter(String ticketId, String subject, String type, Instant from, Instant to, Cursor after) {

    public record Cursor(int chain, long seq) {
        public static Cursor parse(String text) {
            try {
                int colon = text.indexOf(':');
                return colon < 0 ? new Cursor(0, Long.parseLong(text.strip()))
                        : new Cursor(Integer.parseInt(text.substring(0, colon).strip()),
                                Long.parseLong(text.substring(colon + 1).strip()));
            } catch (NumberFormatException e) {
                throw ProblemException.badRequest("after must be a seq or chain:seq, not '" + text + "'");
            }
        }

        @Override
        public String toString() {
            return chain == 0 ? Long.toString(seq) : chain + ":" + seq;
        }
    }

    public static AuditFilter of(String ticketId, String subject, String type, String from, String to, String after) {
        return new AuditFilter(blankToNull(ticketId), blankToNull(subject), blankToNull(type), time("from", from),
                time("to", to), after == null || after.isBlank() ? null : Cursor.parse(after));
    }

    /** The where clause (possibly empty) in {@code where}, its values in {@code values}. */
    public String where(List<Object> values) {
        List<String> conditions = new ArrayList<>();
        if (ticketId != null) {
            conditions.add("ticket_id = ?");
            values.add(ticketId);
        }
        if (subject != null) {
            conditions.add("subject = ?");
            values.add(subject);
        }
        if (type != null) {
            conditions.add("type = ?");
            values.add(type);
        }
        if (from != null) {
            conditions.add("occurred_at >= ?");
            values.add(OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
        }
        if (to != null) {
            conditions.add("occurred_at < ?");
            values.add(OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
        }
        if (after != null) {
            conditions.add("(chain, seq) > (?, ?)");
            values.add(after.chain());
            values.add(after.seq());
        }
        return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    }

    /** A numeric query parameter; a bad one is a 400 problem rather than the 404 JAX-RS gives by default. */
    public static int number(String name, String value, int defaultValue, int min, int max) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ProblemException.badRequest(name + " must be a number from " + min + " to " + max + ", not '" + value + "'");
    }

    private static Instant time(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(name + " must be an RFC 3339 time, not '" + value + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
