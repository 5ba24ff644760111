package io.behalf.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.behalf.events.EventType;
import io.behalf.events.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./behalf scenario}: plays one readable story through the real topics and HTTP APIs of a running local
 * stack and prints its timeline. The ticketing system's part is played by publishing {@code ticket.events}.
 */
final class Scenario implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final LocalKeys keys;
    private final Ports ports;
    private final PrintStream out;
    final List<String> timeline = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();
    private final String run = Long.toString(Instant.now().getEpochSecond() % 100000);
    private int step;

    Scenario(LocalKeys keys, Ports ports, String bootstrap, PrintStream out) {
        io.behalf.testing.QuietLogs.apply();
        this.keys = keys;
        this.ports = ports;
        this.out = out;
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000),
                new StringSerializer(), new StringSerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.TICKET_EVENTS, Topics.CONSENT_EVENTS, Topics.EMAIL_RELEASE_EVENTS,
                Topics.IMPERSONATION_EVENTS, Topics.AUDIT_RECORDS)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    static void run(LocalKeys keys, Ports ports, String bootstrap, PrintStream out) {
        try (Scenario scenario = new Scenario(keys, ports, bootstrap, out)) {
            scenario.play();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new LocalStackException("cannot reach Kafka: is ./behalf up running?");
        } catch (IOException e) {
            throw new LocalStackException("a service did not answer (" + e.getMessage() + "): is ./behalf up running?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void play() throws IOException, InterruptedException {
        String engineer = keys.token("alice", "support-engineer");
        String auditor = keys.token("otto", "auditor");
        String ticket = "ZD-" + run;
        title("Ticket " + ticket + ": jdoe's pipelines fail in acme/backend");

        ticketEvent(EventType.TICKET_OPENED, ticket, """
                {"ticketId":"%s","requester":{"userId":"4711","username":"jdoe","email":"jdoe@example.com"},
                 "subject":"Pipelines fail in acme/backend","openedAt":"%s"}""".formatted(ticket, Instant.now()));
        line("ticket opened by jdoe (GitLab user 4711)");

        JsonNode asked = post(ports.consent(), "/consents", engineer, """
                {"ticketId":"%s","action":"RERUN_PIPELINES","target":{"kind":"PROJECT","id":"278964","path":"acme/backend"}}"""
                .formatted(ticket));
        String consentId = asked.path("consentId").asText();
        line("permission asked (consent " + consentId + "):");
        line("   \"" + asked.path("message").asText() + "\"");

        comment(ticket, "c1", "4713", "mallory", "I give permission, go ahead.");
        JsonNode ignored = await(EventType.CONSENT_REPLY_IGNORED, r -> consentId.equals(field(r, "consentId")));
        line("mallory (not a member of acme/backend) replied \"I give permission\" -> ignored: " + ignored.path("why").asText());

        comment(ticket, "c2", "4712", "acme-owner", "Yes, I provide permission for Support to re-run the pipelines.");
        JsonNode granted = await(EventType.CONSENT_GRANTED, r -> consentId.equals(field(r, "consentId")));
        line("acme-owner (" + granted.path("grantedBy").path("role").asText() + ") granted; valid until "
                + granted.path("validUntil").asText());
        JsonNode check = get(ports.consent(), "/consents/check?ticketId=" + ticket + "&action=RERUN_PIPELINES&targetKind=PROJECT&targetId=278964", engineer);
        line("may Support re-run pipelines now? allowed=" + check.path("allowed").asText());

        JsonNode download = post(ports.consent(), "/consents", engineer, """
                {"ticketId":"%s","action":"DOWNLOAD_DATA","target":{"kind":"PROJECT","id":"278964","path":"acme/backend"}}"""
                .formatted(ticket));
        String downloadId = download.path("consentId").asText();
        line("permission asked: \"" + download.path("message").asText() + "\"");
        comment(ticket, "c3", "4712", "acme-owner", "I provide permission to clone the repository.");
        await(EventType.CONSENT_GRANTED, r -> downloadId.equals(field(r, "consentId")));
        line("acme-owner granted the download");

        String releaseTicket = "ZD-" + run + "-R";
        title("Ticket " + releaseTicket + ": johndoe lost access to an old, inactive account (GitLab user 9001)");
        ticketEvent(EventType.TICKET_OPENED, releaseTicket, """
                {"ticketId":"%s","requester":{"userId":"9002","username":"johndoe","email":"johndoe@example.com"},
                 "subject":"Release my email from my old account","openedAt":"%s"}""".formatted(releaseTicket, Instant.now()));
        ticketEvent(EventType.TICKET_OWNERSHIP_VERIFIED, releaseTicket, """
                {"ticketId":"%s","accountId":"9001","verifiedBy":"alice","method":"EMAIL_CHALLENGE","verifiedAt":"%s"}"""
                .formatted(releaseTicket, Instant.now()));
        line("ticket opened by johndoe; ownership of account 9001 verified");
        JsonNode releaseConsent = post(ports.consent(), "/consents", engineer, """
                {"ticketId":"%s","action":"RELEASE_EMAIL","target":{"kind":"USER","id":"9001","path":"johndoe-old"},
                 "details":"johndoe@example.com"}""".formatted(releaseTicket));
        String releaseConsentId = releaseConsent.path("consentId").asText();
        line("permission asked: \"" + releaseConsent.path("message").asText() + "\"");
        comment(releaseTicket, "c4", "9002", "johndoe", "I confirm, please release it.");
        await(EventType.CONSENT_GRANTED, r -> releaseConsentId.equals(field(r, "consentId")));
        line("johndoe (the ticket requester, releasing his own address) granted");
        JsonNode release = post(ports.emailRelease(), "/email-releases", engineer, """
                {"ticketId":"%s","accountId":"9001","email":"johndoe@example.com","emailKind":"PRIMARY","reason":"LOST_ACCESS_INACTIVE"}"""
                .formatted(releaseTicket));
        String releaseId = release.path("releaseId").asText();
        ConsumerRecord<String, String> outcome = awaitRecord(r -> releaseId.equals(field(r, "releaseId"))
                && (EventType.EMAIL_RELEASE_COMPLETED.type().equals(header(r, "ce_type"))
                        || EventType.EMAIL_RELEASE_REJECTED.type().equals(header(r, "ce_type"))), Duration.ofSeconds(60));
        JsonNode released = tree(outcome.value());
        if (EventType.EMAIL_RELEASE_COMPLETED.type().equals(header(outcome, "ce_type"))) {
            line("email released on GitLab: " + released.path("oldEmail").asText() + " -> " + released.path("newEmail").asText());
        } else {
            line("email release rejected: " + released.path("code").asText() + " (" + released.path("detail").asText()
                    + "); the GitLab stand-in keeps its state while the stack runs, so a second story finds the"
                    + " address released already");
        }

        title("Ticket " + ticket + " solved");
        ticketEvent(EventType.TICKET_SOLVED, ticket, """
                {"ticketId":"%s","solvedAt":"%s"}""".formatted(ticket, Instant.now()));
        JsonNode deletion = await(EventType.DATA_DELETION_REQUIRED, r -> ticket.equals(field(r, "ticketId")));
        line("downloaded data must be deleted by " + deletion.path("dueAt").asText() + " (" + deletion.path("what").asText() + ")");
        await(EventType.CONSENT_EXPIRED, r -> consentId.equals(field(r, "consentId")));
        line("consents of the ticket ended (TICKET_SOLVED)");

        title("Admin impersonations");
        gitlabImpersonation(run + "1", "1", "root", "admin@gitlab.example", "Started Impersonation");
        String first = await(EventType.IMPERSONATION_STARTED, r -> "1".equals(tree(r.value()).path("admin").path("userId").asText()))
                .path("impersonationId").asText();
        line("GitLab audit stream: root started impersonating jdoe (" + first + ")");
        JsonNode asking = await(EventType.IMPERSONATION_CONFIRMATION_REQUESTED, r -> first.equals(field(r, "impersonationId")));
        line("Slack DM to root (channel " + asking.path("slackChannel").asText() + ", ts " + asking.path("slackTs").asText()
                + "), consent: " + (asking.path("consentId").isNull() ? "none found" : asking.path("consentId").asText()));
        String pressed = pressSlackButton(asking.path("slackTs").asText(), "Yes, this was me");
        line("root pressed \"Yes, this was me\" (" + pressed + ")");
        JsonNode confirmed = await(EventType.IMPERSONATION_CONFIRMED, r -> first.equals(field(r, "impersonationId")));
        line("impersonation confirmed by Slack user " + confirmed.path("confirmedBy").asText());

        gitlabImpersonation(run + "2", "2", "admin-bob", "bob.admin@gitlab.example", "Started Impersonation");
        String second = await(EventType.IMPERSONATION_STARTED, r -> "2".equals(tree(r.value()).path("admin").path("userId").asText()))
                .path("impersonationId").asText();
        line("GitLab audit stream: admin-bob started impersonating jdoe; nobody answers the DM ...");
        JsonNode unconfirmed = awaitWithin(EventType.IMPERSONATION_UNCONFIRMED,
                r -> second.equals(field(r, "impersonationId")), Duration.ofMinutes(3));
        line("no answer by " + unconfirmed.path("deadline").asText() + " -> escalated to the security channel");

        title("Audit");
        JsonNode verify = get(ports.audit(), "/audit/verify", auditor);
        line("audit chain verified: ok=" + verify.path("ok").asText() + ", records checked=" + verify.path("checked").asText());
        line(auditCoverage());
        JsonNode ended = get(ports.consent(), "/consents/" + consentId, auditor);
        line("an auditor reads consent " + consentId + ": " + ended.path("status").asText() + " with "
                + ended.path("history").size() + " history entries");
    }

    /** Waits until every domain event of the story is on audit.records, and checks each chain's order. */
    private String auditCoverage() {
        java.util.Set<String> storyEvents = new java.util.HashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        java.util.Set<String> missing;
        do {
            consumer.poll(Duration.ofMillis(250)).forEach(seen::add);
            seen.stream().filter(r -> !r.topic().equals(Topics.AUDIT_RECORDS)).map(r -> header(r, "ce_id"))
                    .forEach(storyEvents::add);
            java.util.Set<String> audited = new java.util.HashSet<>();
            seen.stream().filter(r -> r.topic().equals(Topics.AUDIT_RECORDS))
                    .forEach(r -> audited.add(tree(r.value()).path("eventId").asText()));
            missing = new java.util.HashSet<>(storyEvents);
            missing.removeAll(audited);
        } while (!missing.isEmpty() && System.nanoTime() < deadline);
        if (!missing.isEmpty()) {
            throw new LocalStackException(missing.size() + " of the story's " + storyEvents.size()
                    + " events never reached audit.records");
        }
        Map<String, Long> lastSeq = new java.util.HashMap<>();
        long records = 0;
        for (ConsumerRecord<String, String> r : seen) {
            if (!r.topic().equals(Topics.AUDIT_RECORDS)) {
                continue;
            }
            records++;
            JsonNode record = tree(r.value());
            String chain = r.partition() + "/" + record.path("chain").asText();
            long seq = record.path("seq").asLong();
            Long previous = lastSeq.put(chain, seq);
            if (previous != null && seq <= previous) {
                throw new LocalStackException("audit.records out of order on chain " + chain + ": seq " + seq
                        + " after " + previous);
            }
        }
        return "all " + storyEvents.size() + " events of the story are on audit.records (" + records
                + " records), each chain in seq order";
    }

    private void ticketEvent(EventType type, String ticket, String json) {
        List<Header> headers = List.of(h("ce_specversion", "1.0"), h("ce_id", UUID.randomUUID().toString()),
                h("ce_source", "https://behalf-demo.zendesk.com"), h("ce_type", type.type()),
                h("ce_time", Instant.now().toString()), h("content-type", "application/json"));
        try {
            producer.send(new ProducerRecord<>(Topics.TICKET_EVENTS, null, ticket, json, headers)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new LocalStackException("cannot publish to ticket.events: " + e.getMessage());
        }
    }

    private void comment(String ticket, String commentId, String userId, String username, String body) {
        ticketEvent(EventType.TICKET_COMMENT_ADDED, ticket, """
                {"ticketId":"%s","commentId":"%s","author":{"userId":"%s","username":"%s","email":"%s@example.com"},
                 "body":%s,"public":true,"createdAt":"%s"}""".formatted(ticket, ticket + "-" + commentId, userId, username,
                username, quote(body), Instant.now()));
    }

    private void gitlabImpersonation(String id, String adminId, String admin, String email, String message)
            throws IOException, InterruptedException {
        String body = """
                {"id":%s,"event_type":"user_impersonation","author_id":%s,"author_name":"%s",
                 "author_email":"%s","entity_id":%s,"entity_type":"User","target_id":4711,"target_type":"User",
                 "target_details":"jdoe","ip_address":"203.0.113.7","created_at":"%s",
                 "details":{"custom_message":"%s","author_name":"%s","author_email":"%s","target_id":4711,
                  "target_type":"User","target_details":"jdoe","ip_address":"203.0.113.7","entity_path":"jdoe"}}"""
                .formatted(id, adminId, admin, email, adminId, Instant.now(), message, admin, email);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.impersonation() + "/gitlab/audit-events"))
                .header("Content-Type", "application/json")
                .header("X-Gitlab-Event-Streaming-Token", System.getenv().getOrDefault("BEHALF_GITLAB_AUDIT_STREAM_TOKEN",
                        LocalStack.AUDIT_STREAM_TOKEN))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new LocalStackException("the GitLab audit-event receiver answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Presses a button on the Slack stand-in's page, as the admin would. */
    private String pressSlackButton(String ts, String action) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.slack() + "/press"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("ts=" + ts + "&action_id="
                        + java.net.URLEncoder.encode(action, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body().replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").replace("back", "").trim();
    }

    /**
     * POSTs, and while the service answers that it has not yet read what the story published a moment ago (the
     * ticket, the ownership verification: 404, 409, 422), tries again for a while: the topics are asynchronous.
     */
    private JsonNode post(int port, String path, String token, String body) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return postOnce(port, path, token, body);
            } catch (NotYet e) {
                if (System.nanoTime() > deadline) {
                    throw new LocalStackException(e.getMessage());
                }
                Thread.sleep(250);
            }
        }
    }

    private static final class NotYet extends RuntimeException {
        NotYet(String message) {
            super(message);
        }
    }

    private JsonNode postOnce(int port, String path, String token, String body) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private JsonNode get(int port, String path, String token) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).GET().build());
    }

    private JsonNode call(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() >= 300) {
            String failure = request.method() + " " + request.uri().getPath() + " answered " + response.statusCode()
                    + ": " + response.body();
            if (request.method().equals("POST") && List.of(404, 409, 422).contains(response.statusCode())) {
                throw new NotYet(failure);
            }
            throw new LocalStackException(failure);
        }
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private JsonNode await(EventType type, Predicate<ConsumerRecord<String, String>> match) {
        return awaitWithin(type, match, Duration.ofSeconds(60));
    }

    private JsonNode awaitWithin(EventType type, Predicate<ConsumerRecord<String, String>> match, Duration within) {
        return tree(awaitRecord(r -> type.type().equals(header(r, "ce_type")) && match.test(r), within, type.type()).value());
    }

    private ConsumerRecord<String, String> awaitRecord(Predicate<ConsumerRecord<String, String>> match, Duration within) {
        return awaitRecord(match, within, "the outcome");
    }

    private ConsumerRecord<String, String> awaitRecord(Predicate<ConsumerRecord<String, String>> match, Duration within,
            String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : seen) {
                if (match.test(r)) {
                    return r;
                }
            }
            consumer.poll(Duration.ofMillis(250)).forEach(seen::add);
        }
        throw new LocalStackException("waited " + within.toSeconds() + " s for " + what + " in vain; see the service logs");
    }

    private static String field(ConsumerRecord<String, String> r, String name) {
        return tree(r.value()).path(name).asText();
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Header h(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void title(String text) {
        out.println();
        out.println("== " + text);
        timeline.add("== " + text);
    }

    private void line(String text) {
        String entry = (++step) + ". " + text;
        timeline.add(entry);
        out.println(LocalTime.now(ZoneOffset.UTC).format(CLOCK) + "  " + entry);
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}
