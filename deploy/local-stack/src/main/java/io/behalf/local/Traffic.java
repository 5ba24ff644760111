package io.behalf.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.behalf.events.EventType;
import io.behalf.events.Topics;
import io.behalf.testing.TestKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A steady stream of work through every service, as the ticketing system, support engineers and GitLab's audit
 * stream produce it. One {@link Round} is a whole story: a ticket is opened, ownership verified, permission to
 * release the requester's address from an inactive account asked and granted, the release requested and applied
 * on GitLab, an admin impersonation started, confirmed by the admin in the Slack DM and stopped, and the ticket
 * solved. Every step is retried the way a careful client retries while a part of the system is down.
 */
final class Traffic implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP_WITHIN = Duration.ofSeconds(180);

    /** One story; its keys are what its records are found by on the wire. */
    static final class Round {
        final int n;
        final String ticketId;
        final String accountId;
        final String requesterId;
        final String targetUserId;
        final String email;
        final long streamStarted;
        volatile String consentId;
        volatile String impersonationId;
        final Set<String> releaseIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final AtomicInteger sent = new AtomicInteger();
        final long createdNanos = System.nanoTime();
        volatile long startedNanos;
        volatile long finishedNanos;
        volatile String failure;

        Round(String run, int n) {
            this.n = n;
            this.ticketId = "FT-" + run + "-" + n;
            this.accountId = String.valueOf(500_000 + n);
            this.requesterId = String.valueOf(600_000 + n);
            this.targetUserId = String.valueOf(700_000 + n);
            this.email = "user" + n + "-" + run + "@example.com";
            this.streamStarted = 8_000_000L + 2L * n;
        }

        boolean done() {
            return finishedNanos != 0;
        }

        /** Whether a record on the wire belongs to this story. */
        boolean owns(Wire.Seen s) {
            return switch (s.topic()) {
                case Topics.TICKET_EVENTS, Topics.CONSENT_EVENTS -> ticketId.equals(s.key());
                case Topics.EMAIL_RELEASE_EVENTS -> accountId.equals(s.key());
                case Topics.IMPERSONATION_EVENTS -> targetUserId.equals(s.key());
                default -> false;
            };
        }
    }

    private final LocalStack stack;
    private final Wire wire;
    private final String run;
    private final String engineer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final KafkaProducer<String, String> producer;
    private final ExecutorService workers = Executors.newFixedThreadPool(12, r -> {
        Thread t = new Thread(r, "traffic");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger next = new AtomicInteger();
    final ConcurrentLinkedQueue<Round> rounds = new ConcurrentLinkedQueue<>();

    Traffic(LocalStack stack, Wire wire, String run) {
        this.stack = stack;
        this.wire = wire;
        this.run = run;
        this.engineer = stack.keys().token("fault-suite", "support-engineer");
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                // the ticketing system keeps trying while the broker is away
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000, ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000),
                new StringSerializer(), new StringSerializer());
    }

    /** Starts a new story every {@code every} until {@link #stop}; returns the rounds started by this call. */
    List<Round> runFor(Duration window, Duration every, Runnable fault, Duration faultAfter) {
        List<Round> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        var ticker = pace.scheduleAtFixedRate(() -> started.add(start()), 0, every.toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (fault != null) {
                sleep(faultAfter);
                fault.run();
            }
            sleep(window);
        } finally {
            ticker.cancel(false);
        }
        return started;
    }

    Round start() {
        Round round = new Round(run, next.incrementAndGet());
        rounds.add(round);
        stack.gitlab().addInactiveAccount(round.accountId, "old-" + round.n, round.email, "premium");
        workers.submit(() -> play(round));
        return round;
    }

    /** Waits until every round has ended; false when one is still running at the deadline. */
    static boolean awaitDone(List<Round> rounds, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        for (Round r : rounds) {
            while (!r.done()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                sleep(Duration.ofMillis(100));
            }
        }
        return true;
    }

    private void play(Round r) {
        r.startedNanos = System.nanoTime();
        try {
            ticket(r, EventType.TICKET_OPENED, """
                    {"ticketId":"%s","requester":{"userId":"%s","username":"user%d","email":"%s"},
                     "subject":"Release my address from my old account","openedAt":"%s"}"""
                    .formatted(r.ticketId, r.requesterId, r.n, r.email, Instant.now()));
            ticket(r, EventType.TICKET_OWNERSHIP_VERIFIED, """
                    {"ticketId":"%s","accountId":"%s","verifiedBy":"fault-suite","method":"EMAIL_CHALLENGE","verifiedAt":"%s"}"""
                    .formatted(r.ticketId, r.accountId, Instant.now()));
            r.consentId = requestConsent(r);
            ticket(r, EventType.TICKET_COMMENT_ADDED, """
                    {"ticketId":"%s","commentId":"%s-c1","author":{"userId":"%s","username":"user%d","email":"%s"},
                     "body":"I confirm, please release it.","public":true,"createdAt":"%s"}"""
                    .formatted(r.ticketId, r.ticketId, r.requesterId, r.n, r.email, Instant.now()));
            require(r, EventType.CONSENT_GRANTED, s -> r.consentId.equals(s.field("consentId")));
            r.releaseIds.add(requestRelease(r));
            require(r, EventType.EMAIL_RELEASE_COMPLETED, s -> r.accountId.equals(s.field("accountId")));

            stream(r, r.streamStarted, "Started Impersonation");
            r.impersonationId = require(r, EventType.IMPERSONATION_STARTED,
                    s -> r.targetUserId.equals(s.key())).field("impersonationId");
            String slackTs = require(r, EventType.IMPERSONATION_CONFIRMATION_REQUESTED,
                    s -> r.impersonationId.equals(s.field("impersonationId"))).field("slackTs");
            confirm(r, slackTs);
            require(r, EventType.IMPERSONATION_CONFIRMED, s -> r.impersonationId.equals(s.field("impersonationId")));
            stream(r, r.streamStarted + 1, "Stopped Impersonation");
            require(r, EventType.IMPERSONATION_STOPPED, s -> r.impersonationId.equals(s.field("impersonationId")));

            ticket(r, EventType.TICKET_SOLVED, """
                    {"ticketId":"%s","solvedAt":"%s"}""".formatted(r.ticketId, Instant.now()));
            require(r, EventType.CONSENT_EXPIRED, s -> r.consentId.equals(s.field("consentId")));
        } catch (RuntimeException e) {
            r.failure = e.getMessage();
        } finally {
            r.finishedNanos = System.nanoTime();
        }
    }

    private Wire.Seen require(Round r, EventType type, java.util.function.Predicate<Wire.Seen> match) {
        Wire.Seen s = wire.await(Wire.ofType(type.type()).and(match), STEP_WITHIN);
        if (s == null) {
            throw new IllegalStateException("round " + r.n + ": no " + type.type() + " within " + STEP_WITHIN.toSeconds() + " s");
        }
        return s;
    }

    private void ticket(Round r, EventType type, String json) {
        List<Header> headers = TestKafka.cloudEventHeaders(UUID.randomUUID().toString(), type.type(),
                "https://fault-suite.zendesk.com");
        try {
            producer.send(new ProducerRecord<>(Topics.TICKET_EVENTS, null, r.ticketId, json, headers))
                    .get(STEP_WITHIN.toSeconds(), TimeUnit.SECONDS);
            r.sent.incrementAndGet();
        } catch (Exception e) {
            throw new IllegalStateException("round " + r.n + ": cannot publish " + type.type() + ": " + e, e);
        }
    }

    private String requestConsent(Round r) {
        String body = """
                {"ticketId":"%s","action":"RELEASE_EMAIL","target":{"kind":"USER","id":"%s","path":"old-%d"},"details":"%s"}"""
                .formatted(r.ticketId, r.accountId, r.n, r.email);
        long deadline = System.nanoTime() + STEP_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send(stack.ports().consent(), "POST", "/consents", body);
            if (response != null && response.statusCode() == 201) {
                r.sent.incrementAndGet();
                return tree(response.body()).path("consentId").asText();
            }
            if (response != null && response.statusCode() == 409 && response.body().contains("consent-already-open")) {
                // an earlier attempt went through but its answer was lost with the service: find what it made
                HttpResponse<String> list = send(stack.ports().consent(), "GET", "/consents?ticketId=" + r.ticketId, null);
                if (list != null && list.statusCode() == 200) {
                    for (JsonNode c : tree(list.body()).isArray() ? tree(list.body()) : tree(list.body()).path("consents")) {
                        r.sent.incrementAndGet();
                        return c.path("consentId").asText(c.path("id").asText());
                    }
                }
            }
            // 404/422: the service has not read the ticket or its verification yet; 5xx or none: it is away
            sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException("round " + r.n + ": consent could not be requested");
    }

    private String requestRelease(Round r) {
        String body = """
                {"ticketId":"%s","accountId":"%s","email":"%s","emailKind":"PRIMARY","reason":"LOST_ACCESS_INACTIVE"}"""
                .formatted(r.ticketId, r.accountId, r.email);
        long deadline = System.nanoTime() + STEP_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send(stack.ports().emailRelease(), "POST", "/email-releases", body);
            if (response != null && response.statusCode() == 202) {
                r.sent.incrementAndGet();
                return tree(response.body()).path("releaseId").asText();
            }
            sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException("round " + r.n + ": release could not be requested");
    }

    /** The admin presses "Yes, this was me" in the DM, and presses again while the service does not answer. */
    private void confirm(Round r, String slackTs) {
        long deadline = System.nanoTime() + STEP_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (stack.slack().press(slackTs, "Yes, this was me", null).endsWith("HTTP 200")) {
                r.sent.incrementAndGet();
                return;
            }
            sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException("round " + r.n + ": the confirmation could not be pressed");
    }

    /** One GitLab audit-stream delivery; GitLab delivers at least once, and so does this until it is taken. */
    private void stream(Round r, long id, String message) {
        String body = """
                {"id":%d,"event_type":"user_impersonation","author_id":1,"author_name":"root",
                 "author_email":"admin@gitlab.example","entity_id":1,"entity_type":"User","target_id":%s,"target_type":"User",
                 "target_details":"user%d","ip_address":"203.0.113.7","created_at":"%s",
                 "details":{"custom_message":"%s","author_name":"root","author_email":"admin@gitlab.example",
                  "target_id":%s,"target_type":"User","target_details":"user%d","ip_address":"203.0.113.7"}}"""
                .formatted(id, r.targetUserId, r.n, Instant.now(), message, r.targetUserId, r.n);
        long deadline = System.nanoTime() + STEP_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + stack.ports().impersonation() + "/gitlab/audit-events"))
                        .header("Content-Type", "application/json")
                        .header("X-Gitlab-Event-Streaming-Token", LocalStack.AUDIT_STREAM_TOKEN)
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() < 300) {
                    r.sent.incrementAndGet();
                    return;
                }
            } catch (IOException e) {
                // the receiver is away: GitLab retries
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException("round " + r.n + ": the audit stream could not deliver " + message);
    }

    /** The answer, or null when the service could not be reached. */
    private HttpResponse<String> send(int port, String method, String path, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + engineer).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10));
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        pace.shutdownNow();
        workers.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
