package io.behalf.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.behalf.events.EventFixtures;
import io.behalf.events.EventType;
import io.behalf.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Bad records of every kind on every input topic, each followed on its partition by a good record, so that the
 * checks can see both that the bad one was dead-lettered by every consumer of the topic and that the partition
 * went on.
 */
final class Poison implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SOURCE = "/fault-suite/poison";

    enum Kind { NOT_JSON, MISSING_FIELD, UNKNOWN_TYPE, WRONG_KEY, INVALID_UTF8, TWO_MEGABYTES }

    /** Who reads each input topic, so whose dead-letter topic each bad record must reach. */
    static final Map<String, List<String>> READERS = Map.of(
            Topics.TICKET_EVENTS, List.of("consent-service", "audit-service"),
            Topics.CONSENT_EVENTS, List.of("email-release-service", "impersonation-alert-service", "audit-service"),
            Topics.EMAIL_RELEASE_EVENTS, List.of("email-release-service", "audit-service"),
            Topics.IMPERSONATION_EVENTS, List.of("impersonation-alert-service", "audit-service"));

    /** The event type each topic's bad records pretend to be: one every reader of the topic reads in full. */
    private static final Map<String, EventType> SHAPE = Map.of(
            Topics.TICKET_EVENTS, EventType.TICKET_COMMENT_ADDED,
            Topics.CONSENT_EVENTS, EventType.CONSENT_GRANTED,
            Topics.EMAIL_RELEASE_EVENTS, EventType.EMAIL_RELEASE_REQUESTED,
            Topics.IMPERSONATION_EVENTS, EventType.IMPERSONATION_STARTED);

    /** A field the bad records' type requires, to be left out. */
    private static final Map<String, String> REQUIRED = Map.of(
            Topics.TICKET_EVENTS, "body",
            Topics.CONSENT_EVENTS, "consentId",
            Topics.EMAIL_RELEASE_EVENTS, "releaseId",
            Topics.IMPERSONATION_EVENTS, "impersonationId");

    /** The good records: ones every reader accepts and that change nothing but the audit log. */
    private static final Map<String, EventType> GOOD = Map.of(
            Topics.TICKET_EVENTS, EventType.TICKET_SOLVED,
            Topics.CONSENT_EVENTS, EventType.CONSENT_REVOKED,
            Topics.EMAIL_RELEASE_EVENTS, EventType.EMAIL_RELEASE_REJECTED,
            Topics.IMPERSONATION_EVENTS, EventType.IMPERSONATION_STOPPED);

    record Sent(Kind kind, String topic, int partition, long offset) {
    }

    /** A good record sent right behind bad ones on the same partition; {@code ceId} is what audit must hold. */
    record Good(String topic, int partition, String ceId) {
    }

    private final KafkaProducer<String, byte[]> producer;
    final List<Sent> bad = new ArrayList<>();
    final List<Good> good = new ArrayList<>();

    Poison(String bootstrap) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Sends {@code count} bad records spread over the input topics and partitions (a 2 MB value one in twenty, the
     * other kinds in turn), and after each ten a good record on the same partition.
     */
    void send(int count, int partitions) {
        List<String> topics = List.copyOf(new java.util.TreeSet<>(READERS.keySet()));
        Kind[] small = {Kind.NOT_JSON, Kind.MISSING_FIELD, Kind.UNKNOWN_TYPE, Kind.WRONG_KEY, Kind.INVALID_UTF8};
        for (int i = 0; i < count; i++) {
            String topic = topics.get(i % topics.size());
            int partition = (i / topics.size()) % partitions;
            Kind kind = i % 20 == 19 ? Kind.TWO_MEGABYTES : small[i % small.length];
            bad.add(sendBad(kind, topic, partition, i));
            if (i % 10 == 9 || i == count - 1) {
                good.add(sendGood(topic, partition));
            }
        }
        producer.flush();
    }

    private Sent sendBad(Kind kind, String topic, int partition, int i) {
        EventType shape = SHAPE.get(topic);
        ObjectNode fixture = fixture(shape);
        String key = key(shape, fixture);
        String type = shape.type();
        byte[] value;
        switch (kind) {
            case NOT_JSON -> value = ("poison " + i + ": {this is not json").getBytes(StandardCharsets.UTF_8);
            case MISSING_FIELD -> {
                fixture.remove(REQUIRED.get(topic));
                value = bytes(fixture);
            }
            case UNKNOWN_TYPE -> {
                type = "behalf.poison.unknown-type";
                value = bytes(fixture);
            }
            case WRONG_KEY -> {
                key = "wrong-key-" + i;
                value = bytes(fixture);
            }
            case INVALID_UTF8 -> {
                byte[] json = bytes(fixture);
                value = new byte[json.length + 2];
                System.arraycopy(json, 0, value, 0, json.length);
                value[json.length] = (byte) 0xC3; // a lead byte with no continuation
                value[json.length + 1] = (byte) 0x28;
            }
            case TWO_MEGABYTES -> {
                fixture.put("padding", "x".repeat(2 * 1024 * 1024));
                value = bytes(fixture);
            }
            default -> throw new IllegalStateException();
        }
        RecordMetadata at = send(topic, partition, key, value, type);
        return new Sent(kind, topic, at.partition(), at.offset());
    }

    private Good sendGood(String topic, int partition) {
        EventType shape = GOOD.get(topic);
        ObjectNode fixture = fixture(shape);
        String ceId = UUID.randomUUID().toString();
        send(topic, partition, key(shape, fixture), bytes(fixture), shape.type(), ceId);
        return new Good(topic, partition, ceId);
    }

    private RecordMetadata send(String topic, int partition, String key, byte[] value, String type) {
        return send(topic, partition, key, value, type, UUID.randomUUID().toString());
    }

    private RecordMetadata send(String topic, int partition, String key, byte[] value, String type, String ceId) {
        List<Header> headers = io.behalf.testing.TestKafka.cloudEventHeaders(ceId, type, SOURCE);
        try {
            return producer.send(new ProducerRecord<>(topic, partition, key, value, headers)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic + ": " + e, e);
        }
    }

    /** A fixture that would be a good event of the type, made unique so that no consumer takes it for another. */
    private static ObjectNode fixture(EventType type) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(EventFixtures.json(type));
            String unique = "poison-" + UUID.randomUUID();
            for (String field : List.of("ticketId", "consentId", "releaseId", "impersonationId", "commentId")) {
                if (node.has(field)) {
                    node.put(field, unique);
                }
            }
            return node;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(EventType type, ObjectNode fixture) {
        return type.partitionKey(io.behalf.events.EventJson.read(type, fixture.toString()))
                .orElse(fixture.path("impersonationId").asText());
    }

    private static byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
