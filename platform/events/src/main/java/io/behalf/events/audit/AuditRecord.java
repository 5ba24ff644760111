package io.behalf.events.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.behalf.events.OptionalField;
import java.time.Instant;
import java.util.List;

/**
 * One stored audit record as published on {@code audit.records}. {@code chain} names the hash chain the
 * record belongs to ({@code hash(key) mod behalf.audit.chains}); {@code notes} carries facts an auditor must
 * not misread, such as an impersonation overwriting the user's current sign-in IP and time.
 */
public record AuditRecord(Integer chain, Long seq, String eventId, String type, String source,
        @OptionalField String subject, @OptionalField String ticketId, @OptionalField String actor,
        Instant occurredAt, Instant recordedAt, JsonNode data, String prevHash, String hash,
        @OptionalField List<String> notes) {
}
