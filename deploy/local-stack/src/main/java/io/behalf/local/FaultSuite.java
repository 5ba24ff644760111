package io.behalf.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.behalf.events.EventType;
import io.behalf.events.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Injects real faults into the whole running system and counts what came out: SIGKILL of each service under a
 * steady stream of work, a broker restart, a database restart, poison records on every input topic, hostile HTTP
 * and a replay of every domain topic. Each fault is a row of the printed table; a row with anything lost or
 * duplicated is a failure of the system, not a figure.
 * <p>
 * {@code ./behalf faults} runs the full suite (each service killed ten times, 1,000 poison records) on a fresh
 * stack of its own; the system tests run the reduced one ({@link Plan#REDUCED}).
 */
final class FaultSuite {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * {@code settleEachPhase}: wait for a fault's stories before the next fault, so that its recovery time is its
     * own and not the backlog of the faults before it; the reduced run overlaps them to stay short.
     */
    record Plan(int killsPerService, int poison, Duration every, Duration window, boolean settleEachPhase) {
        static final Plan REDUCED = new Plan(1, 100, Duration.ofSeconds(1), Duration.ofSeconds(4), false);
        static final Plan FULL = new Plan(10, 1000, Duration.ofSeconds(1), Duration.ofSeconds(6), true);
    }

    /** One line of the table. */
    static final class Row {
        final String fault;
        int sent;
        int expected;
        int seen;
        int lost;
        int duplicated;
        int deadLettered;
        double recoverySeconds;
        final List<String> notes = new ArrayList<>();

        Row(String fault) {
            this.fault = fault;
        }

        boolean clean() {
            return lost == 0 && duplicated == 0;
        }
    }

    private final LocalStack stack;
    private final Plan plan;
    private final PrintStream out;
    private final Wire wire;
    private final Traffic traffic;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String auditor;
    final List<Row> rows = new ArrayList<>();

    FaultSuite(LocalStack stack, Plan plan, PrintStream out) {
        this.stack = stack;
        this.plan = plan;
        this.out = out;
        this.wire = new Wire(stack.bootstrapServers());
        this.traffic = new Traffic(stack, wire, Long.toString(System.currentTimeMillis() % 1_000_000));
        this.auditor = stack.keys().token("fault-suite-auditor", "auditor");
    }

    /**
     * The settings the suite needs from the stack: the admins answer their DMs, so the confirmation deadline stays
     * long (an outage must not outlast it, or the DM is cancelled in favour of the security alert); work leases (how long a killed instance's claim on a release or a Slack call holds) of 20 s instead of
     * minutes, so that the recovery after a kill is measured in seconds. Both still exceed the longest GitLab
     * and Slack call.
     */
    static Map<String, String> serviceSettings() {
        return Map.of("BEHALF_IMPERSONATION_CONFIRM_WITHIN", "15m", "BEHALF_SLACK_POLL_INTERVAL", "1s",
                "BEHALF_EMAIL_RELEASE_LEASE", "20s", "BEHALF_SLACK_LEASE", "20s", "BEHALF_EMAIL_RELEASE_POLL_INTERVAL", "1s");
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("behalf.root", ".")).toAbsolutePath().normalize();
        boolean full = !List.of(args).contains("--reduced");
        Path data = root.resolve(".local/faults-" + System.currentTimeMillis());
        boolean clean = false;
        Files.createDirectories(data);
        try (PrintStream log = new PrintStream(Files.newOutputStream(data.resolve("stack.log")), true, StandardCharsets.UTF_8);
                LocalStack stack = new LocalStack(root, data, Ports.free(), log)) {
            stack.serviceSettings(serviceSettings());
            System.out.println("behalf: starting a fresh stack for the fault suite (log: " + data.resolve("stack.log") + ")");
            stack.start();
            FaultSuite suite = new FaultSuite(stack, full ? Plan.FULL : Plan.REDUCED, System.out);
            suite.run();
            System.out.println(suite.table());
            clean = suite.rows.stream().allMatch(Row::clean);
        } finally {
            // the broker's and the database's threads would keep the JVM alive after a failure
            System.exit(clean ? 0 : 1);
        }
    }

    void run() throws Exception {
        try {
            Row control = new Row("none (control)");
            loadPhase(control, null);
            rows.add(control);
            for (String service : Topics.SERVICES) {
                Row row = new Row("SIGKILL " + service + " x" + plan.killsPerService());
                for (int i = 0; i < plan.killsPerService(); i++) {
                    loadPhase(row, () -> {
                        stack.kill(service);
                        stack.restart(service, Duration.ofSeconds(120));
                    });
                }
                rows.add(row);
            }
            Row broker = new Row("Kafka broker stopped 5 s, restarted");
            loadPhase(broker, () -> {
                stack.stopKafka();
                Traffic.sleep(Duration.ofSeconds(5));
                stack.startKafka();
            });
            rows.add(broker);
            Row database = new Row("PostgreSQL stopped 5 s, restarted");
            loadPhase(database, () -> {
                stack.stopPostgres();
                Traffic.sleep(Duration.ofSeconds(5));
                stack.startPostgres();
            });
            rows.add(database);
            settle();
            rows.add(replay());
            rows.add(poison());
            rows.add(hostile());
            rows.add(0, finalAccount());
        } finally {
            traffic.close();
            wire.close();
        }
    }

    /** A phase whose stories may still be running while the next fault is injected. */
    private record Phase(Row row, List<Traffic.Round> rounds, long faultEnded, int deadLettered) {
    }

    private final List<Phase> phases = new ArrayList<>();

    /**
     * Runs the stream for one window and injects the fault during it. The phase's stories are counted only at
     * {@link #settle}, so that the next fault does not wait for the stragglers of this one.
     */
    private void loadPhase(Row row, Runnable fault) {
        int deadBefore = wire.count(s -> s.topic().endsWith(".dead-letters"));
        long[] faultEnded = {0};
        List<Traffic.Round> rounds = traffic.runFor(plan.window(), plan.every(), fault == null ? null : () -> {
            fault.run();
            faultEnded[0] = System.nanoTime();
        }, plan.window().dividedBy(2));
        if (plan.settleEachPhase()) {
            Traffic.awaitDone(rounds, Duration.ofMinutes(4));
        }
        phases.add(new Phase(row, rounds, faultEnded[0],
                wire.count(s -> s.topic().endsWith(".dead-letters")) - deadBefore));
    }

    /** Waits for every story of the load phases and counts each phase's effects into its row. */
    private void settle() {
        for (Phase phase : phases) {
            Row row = phase.row();
            if (!Traffic.awaitDone(phase.rounds(), Duration.ofMinutes(4))) {
                row.notes.add("stories still running at the deadline");
            }
            account(row, phase.rounds());
            row.deadLettered += phase.deadLettered();
            if (phase.faultEnded() != 0) {
                long lastDone = phase.rounds().stream().filter(r -> r.createdNanos < phase.faultEnded())
                        .mapToLong(r -> r.finishedNanos).max().orElse(phase.faultEnded());
                double recovery = Math.max(0, lastDone - phase.faultEnded()) / 1e9;
                row.recoverySeconds = Math.max(row.recoverySeconds, recovery);
                out.printf("fault suite: %s: %d stories, the last of those begun before the fault ended finished %.1f s after it%n",
                        row.fault, phase.rounds().size(), recovery);
            }
            phase.rounds().stream().filter(r -> r.failure != null).limit(3).forEach(r -> row.notes.add(r.failure));
        }
    }

    /** Every effect a story must have had exactly once, counted from the wire, the audit log and the stand-ins. */
    private void account(Row row, List<Traffic.Round> rounds) {
        Map<String, Integer> counts = effects(rounds);
        for (Traffic.Round r : rounds) {
            row.sent += r.sent.get();
        }
        row.expected += counts.size();
        for (int n : counts.values()) {
            row.seen += n;
            if (n == 0) {
                row.lost++;
            } else if (n > 1) {
                row.duplicated += n - 1;
            }
        }
        counts.entrySet().stream().filter(e -> e.getValue() != 1).limit(5)
                .forEach(e -> row.notes.add(e.getKey() + " seen " + e.getValue() + " times"));
    }

    private Map<String, Integer> effects(List<Traffic.Round> rounds) {
        Set<String> owned = new HashSet<>();
        Map<String, Integer> counts = new HashMap<>();
        for (Traffic.Round r : rounds) {
            List<Wire.Seen> records = wire.all(r::owns);
            records.forEach(s -> owned.add(s.ceId()));
            transitions(counts, records, r.consentId, "consentId", EventType.CONSENT_REQUESTED, EventType.CONSENT_GRANTED,
                    EventType.CONSENT_EXPIRED);
            transitions(counts, records, r.accountId, "accountId", EventType.EMAIL_RELEASE_COMPLETED);
            transitions(counts, records, r.impersonationId, "impersonationId", EventType.IMPERSONATION_STARTED,
                    EventType.IMPERSONATION_CONFIRMATION_REQUESTED, EventType.IMPERSONATION_CONFIRMED,
                    EventType.IMPERSONATION_STOPPED);
            counts.put("gitlab email change of account " + r.accountId, stack.gitlab().primaryChanges(r.accountId).size());
            String imp = r.impersonationId;
            counts.put("slack DM for impersonation " + imp, imp == null ? 0 : (int) stack.slack().messages().stream()
                    .filter(m -> m.channel.startsWith("D") && m.metadata != null && m.metadata.toString().contains(imp))
                    .count());
        }
        Map<String, Integer> audited = audited(owned);
        for (String id : owned) {
            counts.put("audit record of " + id, audited.getOrDefault(id, 0));
        }
        return counts;
    }

    /** Counts each transition by distinct ce_id: a redelivery of one record is not a second transition. */
    private static void transitions(Map<String, Integer> counts, List<Wire.Seen> records, String id, String field,
            EventType... types) {
        for (EventType type : types) {
            String key = type.type() + " of " + id;
            if (id == null) {
                counts.put(key, 0);
                continue;
            }
            counts.put(key, (int) records.stream().filter(s -> type.type().equals(s.type()) && id.equals(s.field(field)))
                    .map(Wire.Seen::ceId).distinct().count());
        }
    }

    /** How often the audit log holds each of these event ids, once it holds them all or a minute has passed. */
    private Map<String, Integer> audited(Set<String> eventIds) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, Integer> counts;
        do {
            counts = new HashMap<>();
            for (String line : export().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String id = tree(line).path("eventId").asText();
                if (eventIds.contains(id)) {
                    counts.merge(id, 1, Integer::sum);
                }
            }
            if (counts.keySet().containsAll(eventIds)) {
                return counts;
            }
            Traffic.sleep(Duration.ofMillis(500));
        } while (System.nanoTime() < deadline);
        return counts;
    }

    private String export() {
        return get(stack.ports().audit(), "/audit/export");
    }

    private String get(int port, String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + auditor).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every record of every domain topic sent again as it was (key, headers, ce_id, partition): every consumer must
     * recognise each as delivered before and change nothing.
     */
    private Row replay() {
        Row row = new Row("replay of every domain topic from offset 0");
        Predicate<Wire.Seen> domain = s -> Topics.DOMAIN.contains(s.topic());
        List<Wire.Seen> records = wire.all(domain);
        int effectsBefore = effectCount();
        int auditBefore = export().split("\n").length;
        int deadBefore = wire.count(s -> s.topic().endsWith(".dead-letters"));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 10), new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (Wire.Seen s : records) {
                var headers = new ArrayList<org.apache.kafka.common.header.Header>();
                s.headers().forEach((k, v) -> headers.add(new RecordHeader(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8))));
                producer.send(new ProducerRecord<>(s.topic(), s.partition(), s.key(), s.value(), headers));
                row.sent++;
            }
            producer.flush();
        }
        long replayed = System.nanoTime();
        awaitConsumersCaughtUp(Duration.ofMinutes(3));
        row.recoverySeconds = (System.nanoTime() - replayed) / 1e9;
        int newEffects = effectCount() - effectsBefore;
        int newAudit = export().split("\n").length - auditBefore;
        row.expected = 0;
        row.seen = newEffects + newAudit;
        row.duplicated = row.seen;
        row.deadLettered = wire.count(s -> s.topic().endsWith(".dead-letters")) - deadBefore;
        row.notes.add(newAudit + " new audit records, " + newEffects + " new outcome events, GitLab changes or Slack messages");
        return row;
    }

    /** Outcome events on the domain topics (by distinct ce_id), GitLab address changes and Slack messages. */
    private int effectCount() {
        Set<String> producedByServices = new HashSet<>();
        wire.all(s -> Topics.DOMAIN.contains(s.topic()) && s.header("ce_source") != null
                && s.header("ce_source").startsWith("/behalf/")).forEach(s -> producedByServices.add(s.ceId()));
        int gitlab = 0;
        for (Traffic.Round r : traffic.rounds) {
            gitlab += stack.gitlab().primaryChanges(r.accountId).size();
        }
        return producedByServices.size() + gitlab + stack.slack().messages().size();
    }

    /** Waits until every consumer group has committed up to the end of every partition it reads. */
    private void awaitConsumersCaughtUp(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        try (Admin admin = io.behalf.testing.EmbeddedKafka.admin(stack.bootstrapServers())) {
            while (System.nanoTime() < deadline) {
                if (lag(admin) == 0) {
                    return;
                }
                Traffic.sleep(Duration.ofMillis(500));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read consumer lag: " + e, e);
        }
        throw new IllegalStateException("consumers did not catch up within " + within.toSeconds() + " s");
    }

    private static long lag(Admin admin) throws Exception {
        long lag = 0;
        for (ConsumerGroupListing group : admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().stream().filter(tp -> Topics.DOMAIN.contains(tp.topic()))
                    .forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            for (var end : ends.entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                lag += end.getValue().offset() - (at == null ? 0 : at.offset());
            }
        }
        return lag;
    }

    /** Bad records on every input topic: each reaches every reader's dead-letter topic; the good ones behind pass. */
    private Row poison() {
        Row row = new Row(plan.poison() + " poison records, 6 kinds, on 4 topics");
        long started = System.nanoTime();
        try (Poison poison = new Poison(stack.bootstrapServers())) {
            poison.send(plan.poison(), io.behalf.testing.EmbeddedKafka.LOCAL_PARTITIONS);
            row.sent = poison.bad.size() + poison.good.size();
            Map<String, Integer> counts = new HashMap<>();
            for (Poison.Sent bad : poison.bad) {
                for (String reader : Poison.READERS.get(bad.topic())) {
                    counts.put(reader + " dead letter of " + bad.kind() + " " + bad.topic() + "/" + bad.partition() + "@" + bad.offset(), 0);
                }
            }
            int wanted = counts.size();
            wire.awaitCount(s -> s.topic().endsWith(".dead-letters") && Poison.SOURCE.equals(s.header("ce_source")),
                    wanted, Duration.ofMinutes(3));
            Set<String> reasons = new java.util.TreeSet<>();
            for (Wire.Seen dead : wire.all(s -> s.topic().endsWith(".dead-letters"))) {
                String reader = dead.topic().substring(0, dead.topic().length() - ".dead-letters".length());
                for (Poison.Sent bad : poison.bad) {
                    if (bad.topic().equals(dead.header("dead-letter-topic"))
                            && String.valueOf(bad.partition()).equals(dead.header("dead-letter-partition"))
                            && String.valueOf(bad.offset()).equals(dead.header("dead-letter-offset"))) {
                        String key = reader + " dead letter of " + bad.kind() + " " + bad.topic() + "/" + bad.partition() + "@" + bad.offset();
                        if (dead.header("dead-letter-reason") == null || dead.header("dead-letter-reason").isBlank()) {
                            row.notes.add(key + " has no reason");
                        } else {
                            counts.merge(key, 1, Integer::sum);
                            reasons.add(bad.kind() + ": " + dead.header("dead-letter-reason").replaceAll("[0-9a-f-]{36}|\\d+", "#"));
                        }
                    }
                }
            }
            Map<String, Integer> audited = audited(new HashSet<>(poison.good.stream().map(Poison.Good::ceId).toList()));
            for (Poison.Good good : poison.good) {
                counts.put("audit record of good " + good.ceId() + " behind poison", audited.getOrDefault(good.ceId(), 0));
            }
            row.expected = counts.size();
            for (var e : counts.entrySet()) {
                row.seen += e.getValue();
                if (e.getValue() == 0) {
                    row.lost++;
                    if (row.notes.size() < 5) {
                        row.notes.add("missing: " + e.getKey());
                    }
                } else if (e.getValue() > 1) {
                    row.duplicated += e.getValue() - 1;
                }
            }
            row.deadLettered = counts.entrySet().stream().filter(e -> e.getKey().contains(" dead letter of "))
                    .mapToInt(Map.Entry::getValue).sum();
            row.notes.add("reasons: " + String.join("; ", reasons.stream().distinct().limit(12).toList()));
        }
        row.recoverySeconds = (System.nanoTime() - started) / 1e9;
        // the consumers are still there: a fresh story passes through every one of them
        List<Traffic.Round> after = List.of(traffic.start());
        if (!Traffic.awaitDone(after, Duration.ofMinutes(2)) || after.get(0).failure != null) {
            row.lost++;
            row.notes.add("a story after the poison did not finish: " + after.get(0).failure);
        }
        return row;
    }

    /** Hostile HTTP: every refusal as expected, and none of the hostile payloads ever reaches a topic. */
    private Row hostile() throws Exception {
        Row row = new Row("hostile HTTP (tokens, roles, 1 MiB bodies, signatures, injections)");
        HostileHttp hostile = new HostileHttp(stack).run();
        row.sent = hostile.requests;
        row.expected = hostile.requests;
        row.seen = hostile.requests - hostile.problems.size();
        row.lost = hostile.problems.size();
        row.notes.add(hostile.operations + " operations");
        hostile.problems.stream().limit(5).forEach(row.notes::add);
        // what a refused request could have published would be on the wire by the time a fresh story has passed
        List<Traffic.Round> after = List.of(traffic.start());
        Traffic.awaitDone(after, Duration.ofMinutes(2));
        int published = wire.count(s -> !s.topic().endsWith(".dead-letters") && s.json() != null
                && s.json().toString().contains(HostileHttp.MARK));
        row.duplicated = published;
        if (published > 0) {
            row.notes.add(published + " records carry a hostile payload");
        }
        return row;
    }

    /** The whole run at once: every story's effects exactly once, and the audit chain verifies. */
    private Row finalAccount() {
        Row row = new Row("whole run: every story, every effect");
        List<Traffic.Round> all = List.copyOf(traffic.rounds);
        account(row, all);
        JsonNode verify = tree(get(stack.ports().audit(), "/audit/verify"));
        if (!verify.path("ok").asBoolean()) {
            row.lost++;
            row.notes.add("audit chain does not verify: " + verify);
        } else {
            row.notes.add("audit chain verifies (" + verify.path("checked").asText() + " records)");
        }
        row.notes.add(all.size() + " stories");
        return row;
    }

    String table() {
        StringBuilder t = new StringBuilder();
        t.append("| fault | events sent | effects expected | effects seen | lost | duplicated | dead-lettered | recovery (s, worst) | notes |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            t.append("| ").append(r.fault).append(" | ").append(r.sent).append(" | ").append(r.expected).append(" | ")
                    .append(r.seen).append(" | ").append(r.lost).append(" | ").append(r.duplicated).append(" | ")
                    .append(r.deadLettered).append(" | ").append(String.format("%.1f", r.recoverySeconds)).append(" | ")
                    .append(String.join("; ", r.notes).replace("|", "/")).append(" |\n");
        }
        return t.toString();
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
