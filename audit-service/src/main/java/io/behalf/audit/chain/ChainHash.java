package io.behalf.audit.chain;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.behalf.events.audit.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code hash = hex(SHA-256(canonical JSON of every field of the record but hash))}; prevHash is one of those
 * fields, so each record commits to the whole chain before it. The first record of a chain has
 * {@link #GENESIS} as prevHash.
 */
public final class ChainHash {

    public static final String GENESIS = "0".repeat(64);

    private ChainHash() {
    }

    public static String of(AuditRecord r) {
        return sha256(canonical(r));
    }

    /** The same hash, for a record whose data is already written as its canonical text (the stored column). */
    public static String of(AuditRecord r, String canonicalData) {
        return sha256(canonical(r, canonicalData));
    }

    /** The exact text that is hashed; public so that docs and tests can show it. */
    public static String canonical(AuditRecord r) {
        return canonical(r, CanonicalJson.write(r.data()));
    }

    private static String canonical(AuditRecord r, String canonicalData) {
        ObjectNode o = CanonicalJson.object();
        o.put("chain", r.chain());
        o.put("seq", r.seq());
        o.put("eventId", r.eventId());
        o.put("type", r.type());
        o.put("source", r.source());
        o.put("subject", r.subject());
        o.put("ticketId", r.ticketId());
        o.put("actor", r.actor());
        o.put("occurredAt", time(r.occurredAt()));
        o.put("recordedAt", time(r.recordedAt()));
        // canonical text is a fixed point of CanonicalJson.write, so it goes in as it is
        o.set("data", JsonNodeFactory.instance.rawValueNode(new RawValue(canonicalData)));
        ArrayNode notes = o.putArray("notes");
        (r.notes() == null ? List.<String>of() : r.notes()).forEach(notes::add);
        o.put("prevHash", r.prevHash());
        return CanonicalJson.write(o);
    }

    /** PostgreSQL keeps microseconds: every time is cut to them before it is hashed or stored. */
    public static Instant micros(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
    }

    private static String time(Instant t) {
        return t == null ? null : micros(t).toString();
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Routes a record key to its chain; String.hashCode is specified by the JLS, so every instance agrees. */
    public static int chainOf(String key, int chains) {
        return Math.floorMod(key.hashCode(), chains);
    }
}
