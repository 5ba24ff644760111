package io.behalf.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.InvalidEventException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A binary-mode CloudEvent read from a Kafka record. The headers are read here rather than by the connector's
 * CloudEvents support so that a record with broken headers becomes a dead letter with a reason instead of an
 * error inside the connector.
 */
public record InboundEvent(String id, String type, String source, String subject, Instant time, String topic,
        int partition, long offset, String key, String data) {

    /** Larger values are dead letters: no payload of DESIGN.md comes near it, and the HTTP receivers refuse as much. */
    public static final int MAX_VALUE_BYTES = 1024 * 1024;

    public static InboundEvent from(ConsumerRecord<String, String> record) {
        if (record.serializedValueSize() > MAX_VALUE_BYTES) {
            throw new InvalidEventException("value of " + record.serializedValueSize() + " bytes is over the limit of "
                    + MAX_VALUE_BYTES + " bytes");
        }
        if (record.headers().lastHeader(Utf8CheckingDeserializer.INVALID_UTF8) != null) {
            throw new InvalidEventException("value is not valid UTF-8");
        }
        String specVersion = header(record, "ce_specversion");
        if (!"1.0".equals(specVersion)) {
            throw new InvalidEventException(specVersion == null ? "missing CloudEvents header ce_specversion"
                    : "unsupported CloudEvents specversion " + specVersion);
        }
        String id = required(record, "ce_id");
        String type = required(record, "ce_type");
        String source = required(record, "ce_source");
        String contentType = header(record, "content-type");
        if (contentType != null && !contentType.toLowerCase().startsWith("application/json")) {
            throw new InvalidEventException("unsupported content-type " + contentType);
        }
        Instant time = null;
        String ceTime = header(record, "ce_time");
        if (ceTime != null) {
            try {
                time = Instant.parse(ceTime);
            } catch (DateTimeParseException e) {
                try {
                    time = java.time.OffsetDateTime.parse(ceTime).toInstant();
                } catch (DateTimeParseException again) {
                    throw new InvalidEventException("ce_time is not an RFC 3339 time: " + ceTime);
                }
            }
        }
        return new InboundEvent(id, type, source, header(record, "ce_subject"), time, record.topic(),
                record.partition(), record.offset(), record.key(), record.value());
    }

    /** The known type of this event, or a dead letter: a consumer never guesses what an unknown type means. */
    public EventType eventType() {
        return EventType.of(type).orElseThrow(() -> new InvalidEventException("unknown event type " + type));
    }

    /** The data read into the record of this event's type, validated (see {@link EventJson}). */
    @SuppressWarnings("unchecked")
    public <T extends Record> T payload() {
        EventType eventType = onItsTopic();
        return (T) keyed(eventType, EventJson.read(eventType, data));
    }

    /** The same, from {@link #data()} already read into this tree. */
    @SuppressWarnings("unchecked")
    public <T extends Record> T payload(JsonNode tree) {
        EventType eventType = onItsTopic();
        return (T) keyed(eventType, EventJson.read(tree, eventType.payload()));
    }

    private EventType onItsTopic() {
        EventType eventType = eventType();
        if (!eventType.topic().equals(topic)) {
            throw new InvalidEventException("event type " + type + " does not belong on topic " + topic);
        }
        return eventType;
    }

    private Record keyed(EventType eventType, Record payload) {
        // a record on the wrong partition would be processed out of order with the rest of its ticket or account
        eventType.partitionKey(payload).ifPresent(expected -> {
            if (!expected.equals(key)) {
                throw new InvalidEventException(key == null ? "record has no key; expected " + expected
                        : "record key '" + key + "' does not match the event's partition key '" + expected + "'");
            }
        });
        return payload;
    }

    private static String required(ConsumerRecord<String, String> record, String name) {
        String value = header(record, name);
        if (value == null || value.isBlank()) {
            throw new InvalidEventException("missing CloudEvents header " + name);
        }
        return value;
    }

    static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
