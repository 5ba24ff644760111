package io.behalf.bench;

import io.behalf.events.EventType;
import io.behalf.testing.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The broker as the outside systems and the measuring side see it: a producer, and readers from "now". */
public final class BenchKafka implements AutoCloseable {

    private final String bootstrap;
    private final KafkaProducer<String, String> producer;

    public BenchKafka(String bootstrap) {
        this.bootstrap = bootstrap;
        // acks=all as the services' producers; a short linger batches backlogs without delaying paced sends much
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new StringSerializer());
    }

    /** Sends a binary-mode CloudEvent without waiting for the acknowledgement. */
    public void send(EventType type, String key, String json) {
        List<Header> headers = TestKafka.cloudEventHeaders(UUID.randomUUID().toString(), type.type(), "/behalf/bench");
        producer.send(new ProducerRecord<>(type.topic(), null, key, json, headers));
    }

    /** A plain record, for the bench's own topics. */
    public void sendRaw(String topic, String key, String value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    public String bootstrap() {
        return bootstrap;
    }

    public void flush() {
        producer.flush();
    }

    public KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500),
                new StringDeserializer(), new StringDeserializer());
    }

    public List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        return partitions;
    }

    public Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<String, String> c = consumer()) {
            return new HashMap<>(c.endOffsets(partitions(c, topic)));
        }
    }

    /** Reads {@code topic} from its current end on a thread of its own, handing each record to {@code sink}. */
    public Watcher watch(String topic, Consumer<ConsumerRecord<String, String>> sink) {
        return new Watcher(topic, sink);
    }

    public final class Watcher implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private Watcher(String topic, Consumer<ConsumerRecord<String, String>> sink) {
            KafkaConsumer<String, String> consumer = consumer();
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            thread = new Thread(() -> {
                try (consumer) {
                    while (running.get()) {
                        consumer.poll(Duration.ofMillis(100)).forEach(sink);
                    }
                }
            }, "watch-" + topic);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until every consumer group has committed the end of every partition it reads, on two checks in a row:
     * a benchmark's setup leaves work behind in the services (its tickets, the consents it asked for), and measuring
     * while they still work through it would measure the setup's backlog, not the benchmark's own load.
     */
    public void awaitConsumersCaughtUp(Duration max) throws Exception {
        long started = System.nanoTime();
        long deadline = started + max.toNanos();
        long lag = -1;
        try (Admin admin = io.behalf.testing.EmbeddedKafka.admin(bootstrap)) {
            int caughtUp = 0;
            while (System.nanoTime() < deadline) {
                lag = lag(admin);
                caughtUp = lag == 0 ? caughtUp + 1 : 0;
                if (caughtUp == 2) {
                    Bench.log("consumers caught up after %.1f s", (System.nanoTime() - started) / 1e9);
                    return;
                }
                Thread.sleep(250);
            }
        }
        Bench.log("consumers still %d records behind after %s; measuring anyway", lag, max);
    }

    private static long lag(Admin admin) throws Exception {
        long lag = 0;
        for (var group : admin.listConsumerGroups().all().get()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                    .partitionsToOffsetAndMetadata().get();
            committed.values().removeIf(java.util.Objects::isNull);
            if (committed.isEmpty()) {
                continue;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            for (var e : committed.entrySet()) {
                lag += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
            }
        }
        return lag;
    }

    public static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
