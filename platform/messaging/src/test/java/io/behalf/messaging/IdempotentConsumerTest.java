package io.behalf.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.behalf.events.EventFixtures;
import io.behalf.events.EventType;
import io.behalf.events.Topics;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.EmbeddedKafka;
import io.behalf.testing.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
class IdempotentConsumerTest {

    /** A reader of ticket.events and where its dead letters go: per record (connector) and per batch (itself). */
    record Reader(String name, String deadLetters) {
    }

    static final List<Reader> READERS = List.of(new Reader("test-in", "messaging-test.dead-letters"),
            new Reader("test-batch-in", "messaging-test-batch.dead-letters"));

    @Inject
    EntityManager em;

    @BeforeAll
    static void deadLetterTopic() {
        EmbeddedKafka.createTopics(BehalfTestInfrastructure.bootstrapServers(),
                READERS.stream().map(Reader::deadLetters).toList(), 6);
    }

    @Test
    void sameRecordDeliveredTwiceHasOneEffect() {
        String ticket = "T-" + UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        String json = solved(ticket);
        TestKafka.send(EventType.TICKET_SOLVED, ticket, id, json);
        TestKafka.send(EventType.TICKET_SOLVED, ticket, id, json);
        // a later record on the same key: once it has its effect, both copies before it were handled
        String marker = TestKafka.send(EventType.TICKET_SOLVED, ticket, json);

        for (Reader reader : READERS) {
            await().atMost(Duration.ofSeconds(30)).until(() -> effects(reader, marker) == 1);
            assertThat(effects(reader, id)).as(reader.name()).isEqualTo(1);
        }
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicWithReasonAndTheirPartitionGoesOn() {
        String ticket = "T-" + UUID.randomUUID();
        try (var perRecord = TestKafka.fromNow(READERS.get(0).deadLetters());
                var perBatch = TestKafka.fromNow(READERS.get(1).deadLetters())) {
            TestKafka.sendRaw(Topics.TICKET_EVENTS, ticket, "{not json",
                    TestKafka.cloudEventHeaders(UUID.randomUUID().toString(), EventType.TICKET_SOLVED.type(), "/t"));
            TestKafka.sendRaw(Topics.TICKET_EVENTS, ticket, solved(ticket),
                    TestKafka.cloudEventHeaders(null, EventType.TICKET_SOLVED.type(), "/t"));
            TestKafka.sendRaw(Topics.TICKET_EVENTS, ticket, solved(ticket),
                    TestKafka.cloudEventHeaders(UUID.randomUUID().toString(), "behalf.ticket.teleported", "/t"));
            TestKafka.sendRaw(Topics.TICKET_EVENTS, ticket, "{\"ticketId\":\"" + ticket + "\"}",
                    TestKafka.cloudEventHeaders(UUID.randomUUID().toString(), EventType.TICKET_SOLVED.type(), "/t"));
            String good = TestKafka.send(EventType.TICKET_SOLVED, ticket, solved(ticket));

            for (var deadLetters : List.of(perRecord, perBatch)) {
                List<ConsumerRecord<String, String>> dead = inSourceOrder(
                        deadLetters.awaitAll(r -> ticket.equals(r.key()), 4, Duration.ofSeconds(30)));
                assertDeadLettered(dead);
            }
            for (Reader reader : READERS) {
                await().atMost(Duration.ofSeconds(30)).until(() -> effects(reader, good) == 1);
            }
        }
    }

    /**
     * A batch reader dead-letters a record whose headers are bad before it applies the batch, and one whose
     * payload is bad after the batch failed, so its dead letters need not be in source order; each names its
     * source offset.
     */
    private static List<ConsumerRecord<String, String>> inSourceOrder(List<ConsumerRecord<String, String>> dead) {
        return dead.stream().sorted(java.util.Comparator.comparingLong(
                r -> Long.parseLong(TestKafka.header(r, "dead-letter-offset")))).toList();
    }

    private static void assertDeadLettered(List<ConsumerRecord<String, String>> dead) {
        {
            List<String> reasons = dead.stream().map(r -> TestKafka.header(r, "dead-letter-reason")).toList();
            assertThat(reasons.get(0)).startsWith("not JSON");
            assertThat(reasons.subList(1, 4)).containsExactly(
                    "missing CloudEvents header ce_id",
                    "unknown event type behalf.ticket.teleported",
                    "missing required field 'solvedAt'");
            assertThat(dead.get(0).value()).isEqualTo("{not json");
            for (ConsumerRecord<String, String> r : dead) {
                assertThat(TestKafka.header(r, "dead-letter-topic")).isEqualTo(Topics.TICKET_EVENTS);
                assertThat(TestKafka.header(r, "dead-letter-partition")).isNotBlank();
                assertThat(Long.parseLong(TestKafka.header(r, "dead-letter-offset"))).isNotNegative();
            }
        }
    }

    @Test
    void recordsWithTheWrongKeyTooLargeOrNotUtf8AreDeadLetteredAndThePartitionGoesOn() {
        String ticket = "T-" + UUID.randomUUID();
        try (var perRecord = TestKafka.fromNow(READERS.get(0).deadLetters());
                var perBatch = TestKafka.fromNow(READERS.get(1).deadLetters())) {
            var headers = TestKafka.cloudEventHeaders(UUID.randomUUID().toString(), EventType.TICKET_SOLVED.type(), "/t");
            TestKafka.sendRaw(Topics.TICKET_EVENTS, ticket, solved("another-ticket"), headers);
            TestKafka.sendRaw(Topics.TICKET_EVENTS, ticket, solved(ticket).replace("}", ",\"padding\":\""
                    + "x".repeat(InboundEvent.MAX_VALUE_BYTES) + "\"}"), headers);
            byte[] json = solved(ticket).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] broken = java.util.Arrays.copyOf(json, json.length + 1);
            broken[json.length - 3] = (byte) 0xC3; // a lead byte inside the text, not followed by a continuation
            broken[json.length - 2] = (byte) 0x28;
            broken[json.length - 1] = '"';
            broken[json.length] = '}';
            TestKafka.sendRaw(Topics.TICKET_EVENTS, ticket, broken, headers);
            String good = TestKafka.send(EventType.TICKET_SOLVED, ticket, solved(ticket));

            for (var deadLetters : List.of(perRecord, perBatch)) {
                List<ConsumerRecord<String, String>> dead = inSourceOrder(
                        deadLetters.awaitAll(r -> ticket.equals(r.key()), 3, Duration.ofSeconds(30)));
                assertThat(dead.stream().map(r -> TestKafka.header(r, "dead-letter-reason")).toList()).containsExactly(
                        "record key '" + ticket + "' does not match the event's partition key 'another-ticket'",
                        "value of " + dead.get(1).serializedValueSize() + " bytes is over the limit of "
                                + InboundEvent.MAX_VALUE_BYTES + " bytes",
                        "value is not valid UTF-8");
                assertThat(dead.get(1).serializedValueSize()).isGreaterThan(InboundEvent.MAX_VALUE_BYTES);
            }
            for (Reader reader : READERS) {
                await().atMost(Duration.ofSeconds(30)).until(() -> effects(reader, good) == 1);
            }
        }
    }

    @Test
    void aFailingEffectIsRetriedThenDeadLetteredAloneWithoutAnEffect() {
        // a NUL in the ticket id is valid JSON, but PostgreSQL refuses it in text on every attempt; the records
        // around it, likely in the same poll batch, still have their effect once
        String ticket = "T-" + UUID.randomUUID();
        try (var perRecord = TestKafka.fromNow(READERS.get(0).deadLetters());
                var perBatch = TestKafka.fromNow(READERS.get(1).deadLetters())) {
            String before = TestKafka.send(EventType.TICKET_SOLVED, ticket, solved(ticket));
            String id = TestKafka.send(EventType.TICKET_SOLVED, ticket, solved("\\u0000"));
            String after = TestKafka.send(EventType.TICKET_SOLVED, ticket, solved(ticket));
            for (var deadLetters : List.of(perRecord, perBatch)) {
                ConsumerRecord<String, String> dead = deadLetters.await(r -> ticket.equals(r.key()), Duration.ofSeconds(30));
                assertThat(TestKafka.header(dead, "ce_id")).isEqualTo(id);
                assertThat(TestKafka.header(dead, "dead-letter-reason")).isNotBlank();
            }
            for (Reader reader : READERS) {
                await().atMost(Duration.ofSeconds(30)).until(() -> effects(reader, after) == 1);
                assertThat(effects(reader, before)).as(reader.name()).isEqualTo(1);
                assertThat(effects(reader, id)).as(reader.name()).isZero();
            }
            // the good records of its batch were not dead-lettered with it
            assertThat(perBatch.readToEnd(Duration.ofSeconds(30))).filteredOn(r -> ticket.equals(r.key())).hasSize(1);
        }
    }

    private long effects(Reader reader, String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em
                .createNativeQuery("select count(*) from test_effect where consumer = ?1 and event_id = ?2")
                .setParameter(1, reader.name()).setParameter(2, eventId).getSingleResult()).longValue());
    }

    private static String solved(String ticket) {
        return EventFixtures.json(EventType.TICKET_SOLVED).replace("ZD-1001", ticket);
    }
}
