package io.behalf.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * An event about to be appended: everything of the record but its place in a chain (chain, seq, prevHash, hash,
 * recordedAt), which {@link ChainAppender} assigns under the chain's lock.
 *
 * @param key the audit key (ticketId, else the subject, else the record key): it picks the chain and keys the
 *        record on audit.records
 */
public record NewRecord(String key, String eventId, String type, String source, String subject, String ticketId,
        String actor, Instant occurredAt, JsonNode data, List<String> notes, Delivery delivery) {

    /** Where and how the event was delivered; stored beside the record, not hashed (docs/audit-log.md). */
    public record Delivery(String specVersion, String dataContentType, String recordKey, String topic,
            int partition, long offset) {
    }
}
