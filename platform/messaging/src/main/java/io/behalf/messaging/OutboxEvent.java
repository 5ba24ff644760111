package io.behalf.messaging;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the outbox: a CloudEvent waiting to be published; {@code id} becomes its {@code ce_id}. Events of one
 * key share a shard and are relayed in {@code position} order.
 */
public record OutboxEvent(UUID id, long position, String topic, String key, String type, String source,
        String subject, Instant occurredAt, String payload, int shard) {
}
