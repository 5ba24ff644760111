package io.behalf.testing;

import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Talks to the test broker the way an outside system would: CloudEvents in binary mode, plain clients. */
public final class TestKafka {

    private static final String SOURCE = "/behalf/test";

    private TestKafka() {
    }

    /** Publishes {@code payload} as a binary-mode CloudEvent of {@code type}; returns its {@code ce_id}. */
    public static String send(EventType type, String key, Object payload) {
        String id = UUID.randomUUID().toString();
        send(type, key, id, json(payload));
        return id;
    }

    public static void send(EventType type, String key, String ceId, String json) {
        sendRaw(type.topic(), key, json, cloudEventHeaders(ceId, type.type(), SOURCE));
    }

    /** A payload record as its JSON, or JSON text as it is (a test's own, possibly broken, body). */
    private static String json(Object payload) {
        return payload instanceof String s ? s : EventJson.write(payload);
    }

    /**
     * A record as a consumer's poll would hand it over, for a test that calls a batch consumer directly, so that
     * what one poll batch holds is the test's choice rather than the broker's timing.
     */
    public static ConsumerRecord<String, String> polled(EventType type, String key, Object payload) {
        String json = json(payload);
        RecordHeaders headers = new RecordHeaders();
        cloudEventHeaders(UUID.randomUUID().toString(), type.type(), SOURCE).forEach(headers::add);
        return new ConsumerRecord<>(type.topic(), 0, POLLED_OFFSETS.incrementAndGet(), System.currentTimeMillis(),
                TimestampType.CREATE_TIME, key.length(), json.length(), key, json, headers, Optional.empty());
    }

    /** One poll batch of the records, in their order (one partition). */
    public static ConsumerRecords<String, String> poll(List<ConsumerRecord<String, String>> records) {
        return new ConsumerRecords<>(Map.of(new TopicPartition(records.get(0).topic(), 0), records), Map.of());
    }

    private static final AtomicLong POLLED_OFFSETS = new AtomicLong();

    public static List<Header> cloudEventHeaders(String id, String type, String source) {
        List<Header> headers = new ArrayList<>();
        headers.add(header("ce_specversion", "1.0"));
        if (id != null) {
            headers.add(header("ce_id", id));
        }
        if (type != null) {
            headers.add(header("ce_type", type));
        }
        headers.add(header("ce_source", source));
        headers.add(header("ce_time", Instant.now().toString()));
        headers.add(header("content-type", "application/json"));
        return headers;
    }

    public static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    public static void sendRaw(String topic, String key, String value, List<Header> headers) {
        sendRaw(topic, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** Sends exactly these bytes: a value that is not UTF-8 or bigger than a consumer takes. */
    public static void sendRaw(String topic, String key, byte[] value, List<Header> headers) {
        try {
            producer().send(new ProducerRecord<>(topic, null, key, value, headers)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    private static KafkaProducer<String, byte[]> producer;

    /** One producer for the test JVM: opening one per record costs a connection and metadata round trips. */
    private static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BehalfTestInfrastructure.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EmbeddedKafka.MAX_MESSAGE_BYTES),
                    new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> producer.close(Duration.ofSeconds(5)), "test-kafka-producer-close"));
        }
        return producer;
    }

    /** Reads a topic from its current end: only records written after this call are seen. */
    public static TopicReader fromNow(String topic) {
        return new TopicReader(topic);
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

        private TopicReader(String topic) {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BehalfTestInfrastructure.bootstrapServers(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new StringDeserializer(), new StringDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
        }

        /** Waits until a record matching {@code match} arrives, and returns it. */
        public ConsumerRecord<String, String> await(Predicate<ConsumerRecord<String, String>> match, Duration within) {
            return awaitAll(match, 1, within).get(0);
        }

        /** Waits until {@code count} matching records have arrived; returns those seen so far, in arrival order. */
        public List<ConsumerRecord<String, String>> awaitAll(Predicate<ConsumerRecord<String, String>> match,
                int count, Duration within) {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                List<ConsumerRecord<String, String>> matching = seen.stream().filter(match).toList();
                if (matching.size() >= count) {
                    return matching;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("expected " + count + " matching record(s) within " + within
                            + ", saw " + matching.size() + " of " + seen.size() + " record(s)");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }

        /** Reads until every partition's end offset as of now: every record already acknowledged is seen. */
        public List<ConsumerRecord<String, String>> readToEnd(Duration within) {
            var ends = consumer.endOffsets(consumer.assignment());
            long deadline = System.nanoTime() + within.toNanos();
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("topic not read to its end within " + within);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
            return List.copyOf(seen);
        }

        /** Every record that arrived within {@code window}: for asserting that something did not happen. */
        public List<ConsumerRecord<String, String>> drain(Duration window) {
            long deadline = System.nanoTime() + window.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
            return List.copyOf(seen);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    public static Predicate<ConsumerRecord<String, String>> ofType(EventType type) {
        return r -> type.type().equals(header(r, "ce_type"));
    }
}
