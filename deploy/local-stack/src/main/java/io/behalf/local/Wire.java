package io.behalf.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.behalf.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything on every topic of the stack since offset 0, as an outside observer sees it: read on its own thread,
 * through broker restarts, and searchable by the checks. Values over 64 KiB are kept as their size only, so that
 * the poison records' 2 MB values do not fill the heap.
 */
final class Wire implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEPT_VALUE = 64 * 1024;

    /**
     * One record seen; {@code value} (its exact bytes) is null when it was too big to keep, {@code json} also when
     * it was not JSON.
     */
    record Seen(String topic, int partition, long offset, String key, Map<String, String> headers, int size,
            byte[] value, JsonNode json) {

        String header(String name) {
            return headers.get(name);
        }

        String ceId() {
            return headers.get("ce_id");
        }

        String type() {
            return headers.get("ce_type");
        }

        String field(String path) {
            if (json == null) {
                return null;
            }
            JsonNode node = json;
            for (String part : path.split("\\.")) {
                node = node.path(part);
            }
            return node.isMissingNode() || node.isNull() ? null : node.asText();
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Seen> seen = new ArrayList<>();
    private final Thread reader;
    private volatile boolean open = true;

    Wire(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : Topics.all()) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        reader = new Thread(this::read, "wire");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        while (open) {
            try {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Map<String, String> headers = new HashMap<>();
                    for (Header h : r.headers()) {
                        headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                    }
                    int size = r.value() == null ? 0 : r.value().length;
                    JsonNode json = null;
                    if (r.value() != null && size <= KEPT_VALUE) {
                        try {
                            json = JSON.readTree(r.value());
                        } catch (Exception e) {
                            // poison is seen too: it is kept as a record without JSON
                        }
                    }
                    Seen s = new Seen(r.topic(), r.partition(), r.offset(), r.key(), headers, size,
                            size <= KEPT_VALUE ? r.value() : null, json);
                    synchronized (this) {
                        seen.add(s);
                        notifyAll();
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                // the broker is away (a fault under test): the consumer reconnects on the next poll
            }
        }
    }

    synchronized List<Seen> all(Predicate<Seen> match) {
        return seen.stream().filter(match).toList();
    }

    synchronized int count(Predicate<Seen> match) {
        return (int) seen.stream().filter(match).count();
    }

    /** The first record that matches, waiting for it at most {@code within}; null when none came. */
    Seen await(Predicate<Seen> match, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        int from = 0;
        synchronized (this) {
            while (true) {
                for (int i = from; i < seen.size(); i++) {
                    if (match.test(seen.get(i))) {
                        return seen.get(i);
                    }
                }
                from = seen.size();
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return null;
                }
                try {
                    wait(Math.min(left, 500));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    /** Waits until at least {@code n} records match; returns how many did. */
    int awaitCount(Predicate<Seen> match, int n, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (this) {
            while (true) {
                int found = (int) seen.stream().filter(match).count();
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (found >= n || left <= 0) {
                    return found;
                }
                try {
                    wait(Math.min(left, 500));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return found;
                }
            }
        }
    }

    static Predicate<Seen> ofType(String type) {
        return s -> type.equals(s.type());
    }

    @Override
    public void close() {
        open = false;
        consumer.wakeup();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
