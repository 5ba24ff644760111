package io.behalf.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.behalf.events.EventFixtures;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.Topics;
import io.behalf.events.consent.ConsentDenied;
import io.behalf.events.consent.ConsentRevoked;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
class OutboxRelayTest {

    @Inject
    Outbox outbox;
    @Inject
    KafkaOutboxPublisher publisher;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    jakarta.persistence.EntityManager em;

    private final List<KafkaProducer<String, String>> producers = new ArrayList<>();

    @AfterEach
    void drainOutbox() {
        // leave nothing pending for the next test
        new OutboxRelay(dataSource, publisher, 4, 500).relayOnce();
        producers.forEach(KafkaProducer::close);
    }

    @Test
    void relayPublishesABinaryModeCloudEventToTheTypesTopicWithItsKey() throws Exception {
        String ticket = "T-" + UUID.randomUUID();
        ConsentRevoked payload = revoked(ticket, "r1");
        try (var reader = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            UUID id = QuarkusTransaction.requiringNew().call(
                    () -> outbox.publish(EventType.CONSENT_REVOKED, ticket, payload.consentId(), payload));
            assertThat(relay(publisher).relayOnce()).isEqualTo(1);

            ConsumerRecord<String, String> record = reader.await(r -> id.toString().equals(TestKafka.header(r, "ce_id")),
                    Duration.ofSeconds(30));
            assertThat(record.key()).isEqualTo(ticket);
            assertThat(TestKafka.header(record, "ce_specversion")).isEqualTo("1.0");
            assertThat(TestKafka.header(record, "ce_type")).isEqualTo("behalf.consent.revoked");
            assertThat(TestKafka.header(record, "ce_source")).isEqualTo("/behalf/messaging-test");
            assertThat(TestKafka.header(record, "ce_subject")).isEqualTo(payload.consentId());
            assertThat(TestKafka.header(record, "ce_time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*Z");
            assertThat(TestKafka.header(record, "content-type")).isEqualTo("application/json");
            assertThat(EventJson.read(record.value(), ConsentRevoked.class)).isEqualTo(payload);
        }
    }

    @Test
    void aRoundIsSentAtOnceNotAfterTheProducersLinger() {
        // the test profile gives the outbox producer a linger of 10 minutes: a round left to it would not be
        // acknowledged within the relay's wait of 30 s, and relayOnce would report nothing sent
        List<UUID> ids = QuarkusTransaction.requiringNew().call(() -> java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> "T-" + UUID.randomUUID())
                .map(t -> outbox.publish(EventType.CONSENT_REVOKED, t, null, revoked(t, "round")))
                .toList());

        assertThat(relay(publisher).relayOnce()).isEqualTo(ids.size());
        assertThat(unsent(ids)).isZero();
    }

    @Test
    void anEventOfARolledBackTransactionIsNeverPublished() {
        String ticket = "T-" + UUID.randomUUID();
        try (var reader = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
                outbox.publish(EventType.CONSENT_REVOKED, ticket, null, revoked(ticket, "rolled back"));
                throw new IllegalStateException("the state change failed");
            })).hasMessage("the state change failed");
            UUID committed = QuarkusTransaction.requiringNew().call(
                    () -> outbox.publish(EventType.CONSENT_REVOKED, ticket, null, revoked(ticket, "committed")));
            relay(publisher).relayOnce();

            // same key, so the committed event comes after the rolled-back one had it been published
            reader.await(r -> committed.toString().equals(TestKafka.header(r, "ce_id")), Duration.ofSeconds(30));
            assertThat(reader.readToEnd(Duration.ofSeconds(30))).filteredOn(r -> ticket.equals(r.key()))
                    .extracting(r -> EventJson.read(r.value(), ConsentRevoked.class).reason())
                    .containsExactly("committed");
        }
    }

    @Test
    void aRoundOfSomeShardsLeavesTheOthersForTheirOwnRound() {
        String first = "T-" + UUID.randomUUID();
        String second = ticketInAnotherShardThan(first);
        List<UUID> ids = QuarkusTransaction.requiringNew().call(() -> List.of(
                outbox.publish(EventType.CONSENT_REVOKED, first, null, revoked(first, "a")),
                outbox.publish(EventType.CONSENT_REVOKED, second, null, revoked(second, "b"))));

        assertThat(relay(publisher).relayOnce(List.of(Outbox.shardOf(first, 4)))).isEqualTo(1);
        assertThat(unsent(ids)).isEqualTo(1);
        assertThat(relay(publisher).relayOnce(List.of(Outbox.shardOf(second, 4)))).isEqualTo(1);
        assertThat(unsent(ids)).isZero();
    }

    @Test
    void aRefusedEventHoldsBackOnlyTheLaterEventsOfItsOwnShard() {
        String first = "T-" + UUID.randomUUID();
        String second = ticketInAnotherShardThan(first);
        List<UUID> ids = QuarkusTransaction.requiringNew().call(() -> List.of(
                outbox.publish(EventType.CONSENT_REVOKED, first, null, revoked(first, "1")),
                outbox.publish(EventType.CONSENT_REVOKED, second, null, revoked(second, "b")),
                outbox.publish(EventType.CONSENT_REVOKED, first, null, revoked(first, "2"))));
        try (var reader = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            // the first ticket's partition refuses (the idempotent producer then fails its later in-flight records
            // too): the other ticket's event goes out and is marked, the first ticket's wait together
            OutboxPublisher refusesOne = refusing(e -> e.key().equals(first), "not leader");
            assertThat(relay(refusesOne).relayOnce()).isEqualTo(1);
            assertThat(unsent(List.of(ids.get(1)))).isZero();
            assertThat(unsent(List.of(ids.get(0), ids.get(2)))).isEqualTo(2);

            assertThat(relay(publisher).relayOnce()).isEqualTo(2);
            assertThat(unsent(ids)).isZero();
            List<String> firstTicket = reader.awaitAll(r -> first.equals(r.key()), 2, Duration.ofSeconds(30)).stream()
                    .map(r -> EventJson.read(r.value(), ConsentRevoked.class).reason()).toList();
            assertThat(firstTicket).containsExactly("1", "2");
        }
    }

    @Test
    void eventsPublishedInOneBatchAreWrittenWhenItReturnsAndRelayedInPublishOrder() {
        String ticket = "T-" + UUID.randomUUID();
        List<UUID> ids = new ArrayList<>();
        try (var reader = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            QuarkusTransaction.requiringNew().run(() -> {
                outbox.inOneBatch(() -> {
                    ids.add(outbox.publish(EventType.CONSENT_REVOKED, ticket, null, revoked(ticket, "1")));
                    outbox.inOneBatch(() -> ids.add(outbox.publish(EventType.CONSENT_DENIED, ticket, null,
                            denied(ticket))));
                    ids.add(outbox.publish(EventType.CONSENT_REVOKED, ticket, null, revoked(ticket, "3")));
                    assertThat(rowsInTransaction(ticket)).as("held until the batch returns").isZero();
                });
                assertThat(rowsInTransaction(ticket)).isEqualTo(3);
            });
            relay(publisher).relayOnce();

            List<ConsumerRecord<String, String>> relayed = reader.awaitAll(r -> ticket.equals(r.key()), 3,
                    Duration.ofSeconds(30));
            assertThat(relayed).extracting(r -> TestKafka.header(r, "ce_id"))
                    .containsExactlyElementsOf(ids.stream().map(UUID::toString).toList());
            assertThat(relayed).extracting(r -> TestKafka.header(r, "ce_type"))
                    .containsExactly("behalf.consent.revoked", "behalf.consent.denied", "behalf.consent.revoked");
        }
    }

    @Test
    void aBatchWhoseWorkFailedCannotCommitItsChangesWithoutItsEvents() {
        String ticket = "T-" + UUID.randomUUID();
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            try {
                outbox.inOneBatch(() -> {
                    outbox.publish(EventType.CONSENT_REVOKED, ticket, null, revoked(ticket, "lost?"));
                    throw new IllegalStateException("the state change failed");
                });
            } catch (IllegalStateException swallowed) {
                // a caller that carries on must not commit what the batch changed without the held event
            }
        })).hasCauseInstanceOf(jakarta.transaction.RollbackException.class);
        assertThat(QuarkusTransaction.requiringNew().call(() -> rowsInTransaction(ticket))).isZero();
    }

    @Test
    void anEventWhosePublishFailedIsPublishedAfterRestart() {
        String ticket = "T-" + UUID.randomUUID();
        List<UUID> ids = QuarkusTransaction.requiringNew().call(() -> List.of(
                outbox.publish(EventType.CONSENT_REVOKED, ticket, null, revoked(ticket, "1")),
                outbox.publish(EventType.CONSENT_REVOKED, ticket, null, revoked(ticket, "2")),
                outbox.publish(EventType.CONSENT_REVOKED, ticket, null, revoked(ticket, "3"))));
        try (var reader = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            // the broker refuses everything: nothing is marked sent
            OutboxPublisher down = e -> CompletableFuture.failedFuture(new IllegalStateException("broker down"));
            assertThat(relay(down).relayOnce()).isZero();
            assertThat(unsent(ids)).isEqualTo(3);

            // the broker acknowledges the first and is gone from the second on: only the first is marked
            AtomicInteger calls = new AtomicInteger();
            OutboxPublisher flaky = refusing(e -> calls.incrementAndGet() >= 2, "timeout");
            assertThat(relay(flaky).relayOnce()).isEqualTo(1);
            assertThat(unsent(ids)).isEqualTo(2);

            // a new relay (the restarted service) publishes what is left
            assertThat(relay(publisher).relayOnce()).isEqualTo(2);
            assertThat(unsent(ids)).isZero();

            List<String> seen = reader.awaitAll(r -> ticket.equals(r.key()), 3, Duration.ofSeconds(30)).stream()
                    .map(r -> EventJson.read(r.value(), ConsentRevoked.class).reason()).toList();
            assertThat(seen).containsExactly("1", "2", "3");
        }
    }

    @Test
    void twoRelaysNeverPublishTwiceOrOutOfOrderPerKey() throws Exception {
        int keys = 8;
        int perKey = 40;
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, List<String>> written = new HashMap<>();
        // the second relay publishes through its own producer, as a second instance of the service would
        OutboxRelay first = relay(publisher);
        OutboxRelay second = relay(rawProducerPublisher());
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (var reader = TestKafka.fromNow(Topics.CONSENT_EVENTS)) {
            Future<?> writer = pool.submit(() -> {
                for (int i = 0; i < perKey; i++) {
                    for (int k = 0; k < keys; k++) {
                        String key = run + "-" + k;
                        UUID id = QuarkusTransaction.requiringNew().call(
                                () -> outbox.publish(EventType.CONSENT_REVOKED, key, null, revoked(key, "x")));
                        written.computeIfAbsent(key, x -> Collections.synchronizedList(new ArrayList<>()))
                                .add(id.toString());
                    }
                }
                writing.set(false);
            });
            Future<Integer> a = pool.submit(() -> drain(first, writing));
            Future<Integer> b = pool.submit(() -> drain(second, writing));
            writer.get();
            int published = a.get() + b.get();

            assertThat(published).isEqualTo(keys * perKey);
            List<ConsumerRecord<String, String>> records = reader.readToEnd(Duration.ofSeconds(60)).stream()
                    .filter(r -> r.key() != null && r.key().startsWith(run)).toList();
            assertThat(records).hasSize(keys * perKey);
            Map<String, List<String>> received = new HashMap<>();
            records.forEach(r -> received.computeIfAbsent(r.key(), x -> new ArrayList<>())
                    .add(TestKafka.header(r, "ce_id")));
            assertThat(received).isEqualTo(written);
        } finally {
            pool.shutdownNow();
        }
    }

    private int drain(OutboxRelay relay, AtomicBoolean writing) {
        int sent = 0;
        boolean last = false;
        while (!last) {
            last = !writing.get();
            int n;
            do {
                n = relay.relayOnce();
                sent += n;
            } while (n > 0);
            Thread.onSpinWait();
        }
        return sent;
    }

    private OutboxRelay relay(OutboxPublisher with) {
        return new OutboxRelay(dataSource, with, 4, 50);
    }

    /** The broker as the relay sees it when it refuses these events: the others go to the real one. */
    private OutboxPublisher refusing(java.util.function.Predicate<OutboxEvent> refused, String why) {
        return new OutboxPublisher() {
            @Override
            public java.util.concurrent.CompletionStage<Void> publish(OutboxEvent event) {
                return refused.test(event) ? CompletableFuture.failedFuture(new IllegalStateException(why))
                        : publisher.publish(event);
            }

            @Override
            public void sendNow() {
                publisher.sendNow();
            }
        };
    }

    private OutboxPublisher rawProducerPublisher() {
        KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BehalfTestInfrastructure.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"), new StringSerializer(), new StringSerializer());
        producers.add(producer);
        return event -> {
            CompletableFuture<Void> acked = new CompletableFuture<>();
            var record = new ProducerRecord<>(event.topic(), null, event.key(), event.payload(),
                    TestKafka.cloudEventHeaders(event.id().toString(), event.type(), event.source()));
            producer.send(record, (meta, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acked.complete(null);
                }
            });
            return acked;
        };
    }

    private long rowsInTransaction(String key) {
        return ((Number) em.createNativeQuery("select count(*) from outbox_event where record_key = ?1")
                .setParameter(1, key).getSingleResult()).longValue();
    }

    private static ConsentDenied denied(String ticket) {
        ConsentDenied fixture = EventFixtures.payload(EventType.CONSENT_DENIED);
        return new ConsentDenied(fixture.consentId(), ticket, fixture.deniedBy(),
                fixture.evidenceCommentId());
    }

    private static String ticketInAnotherShardThan(String ticket) {
        String other = ticket;
        while (Outbox.shardOf(other, 4) == Outbox.shardOf(ticket, 4)) {
            other = "T-" + UUID.randomUUID();
        }
        return other;
    }

    private long unsent(List<UUID> ids) {
        try (var c = dataSource.getConnection();
                var s = c.prepareStatement("select count(*) from outbox_event where id = any(?) and sent_at is null")) {
            s.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            var rs = s.executeQuery();
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ConsentRevoked revoked(String ticket, String reason) {
        ConsentRevoked fixture = EventFixtures.payload(EventType.CONSENT_REVOKED);
        return new ConsentRevoked(fixture.consentId(), ticket, fixture.revokedBy(), reason);
    }
}
