package io.behalf.bench;

import io.behalf.events.EventType;
import io.behalf.events.Topics;
import io.behalf.local.BenchStack;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The two pipelines that call outside systems, end to end with the GitLab and Slack stand-ins answering at once:
 * {@code POST /email-releases} for N granted releases to N {@code email-release.completed}, and N GitLab
 * {@code user_impersonation} audit events to N {@code impersonation.confirmation-requested} (Slack DM sent). The
 * N requests are sent at once by 8 client threads; the rate is N over the time to the last outcome.
 */
final class PipelineBench {

    private final BenchStack stack;
    private final BenchKafka kafka;
    private final Tickets tickets;
    private final Plan plan;
    private final Report report;
    private int nextAccount;
    private final AtomicLong nextAuditEvent = new AtomicLong(Instant.now().getEpochSecond() * 1000);

    PipelineBench(BenchStack stack, BenchKafka kafka, Tickets tickets, Plan plan, Report report) {
        this.stack = stack;
        this.kafka = kafka;
        this.tickets = tickets;
        this.plan = plan;
        this.report = report;
    }

    static int accountsNeeded(Plan plan) {
        return plan.pipelineBatch() * (Plan.WARMUPS + plan.pipelineRepetitions());
    }

    void run() throws Exception {
        List<Double> releases = new ArrayList<>();
        List<Double> impersonations = new ArrayList<>();
        int rejectedTotal = 0;
        for (int rep = 0; rep < Plan.WARMUPS + plan.pipelineRepetitions(); rep++) {
            int[] rejected = {0};
            double r = emailReleases(plan.pipelineBatch(), rejected);
            double i = impersonations(plan.pipelineBatch());
            Bench.log("pipelines rep %d: email releases %.1f/s (%d rejected), impersonation alerts %.1f/s", rep, r,
                    rejected[0], i);
            if (rep >= Plan.WARMUPS) {
                releases.add(r);
                impersonations.add(i);
                rejectedTotal += rejected[0];
            }
        }
        report.raw("pipelines", "email releases/s", releases, "events/s");
        report.raw("pipelines", "impersonation confirmations requested/s", impersonations, "events/s");
        List<String> charts = report.section("Email release and impersonation alert pipelines (" + plan.pipelineBatch()
                        + " events per repetition)",
                Plan.WARMUPS + " warm-up + " + plan.pipelineRepetitions() + " repetitions. GitLab and Slack are the "
                        + "local stand-ins, answering in well under a millisecond; no raw ceiling applies beyond the "
                        + "Kafka and JDBC ones above.",
                List.of("pipeline", "end-to-end events/s", "outcome"),
                List.of(List.of("POST /email-releases → GitLab admin API (5 calls) → email-release.completed",
                                Spread.of(releases).describe("%.1f"), rejectedTotal + " rejected"),
                        List.of("GitLab audit event → impersonation.started → Slack DM → confirmation-requested",
                                Spread.of(impersonations).describe("%.1f"), "all confirmations requested")));
        CategoryChart chart = new CategoryChartBuilder().width(700).height(400).title("Pipelines end to end (median)")
                .yAxisTitle("events/s").build();
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("rate", List.of("email release", "impersonation alert"),
                List.of(Spread.of(releases).median(), Spread.of(impersonations).median()));
        report.chart(charts, chart, "pipelines");
    }

    private double emailReleases(int n, int[] rejected) throws Exception {
        List<Tickets.Story> stories = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int i = nextAccount++;
            stories.add(new Tickets.Story("REL-" + i, String.valueOf(BenchStack.RELEASE_REQUESTERS + i),
                    String.valueOf(BenchStack.RELEASE_ACCOUNTS + i), BenchStack.releaseEmail(i)));
        }
        tickets.askForRelease(stories, 8);
        Set<String> ticketIds = ConcurrentHashMap.newKeySet();
        stories.forEach(s -> ticketIds.add(s.ticketId()));
        AtomicInteger granted = new AtomicInteger();
        try (BenchKafka.Watcher w = kafka.watch(Topics.CONSENT_EVENTS, r -> {
            if (EventType.CONSENT_GRANTED.type().equals(BenchKafka.header(r, "ce_type")) && ticketIds.contains(r.key())) {
                granted.incrementAndGet();
            }
        })) {
            stories.forEach(tickets::grant);
            kafka.flush();
            awaitCount(granted, n, "consents granted");
        }
        kafka.awaitConsumersCaughtUp(java.time.Duration.ofMinutes(1)); // email-release-service reads the grants too
        Set<String> accounts = ConcurrentHashMap.newKeySet();
        stories.forEach(s -> accounts.add(s.accountId()));
        AtomicInteger outcomes = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicLong last = new AtomicLong();
        Http release = new Http(stack.port(BenchStack.EMAIL_RELEASE), stack.token("bench-engineer", "support-engineer"));
        try (BenchKafka.Watcher w = kafka.watch(Topics.EMAIL_RELEASE_EVENTS, r -> {
            String type = BenchKafka.header(r, "ce_type");
            boolean done = EventType.EMAIL_RELEASE_COMPLETED.type().equals(type);
            boolean no = EventType.EMAIL_RELEASE_REJECTED.type().equals(type);
            if ((done || no) && accounts.contains(r.key())) {
                if (no) {
                    refused.incrementAndGet();
                }
                last.set(System.nanoTime());
                outcomes.incrementAndGet();
            }
        })) {
            long start = System.nanoTime();
            inParallel(n, k -> {
                Tickets.Story s = stories.get(k);
                send(() -> release.post("/email-releases", """
                        {"ticketId":"%s","accountId":"%s","email":"%s","emailKind":"PRIMARY","reason":"LOST_ACCESS_INACTIVE"}"""
                        .formatted(s.ticketId(), s.accountId(), s.email())));
            });
            awaitCount(outcomes, n, "email release outcomes");
            rejected[0] = refused.get();
            return n / ((last.get() - start) / 1e9);
        }
    }

    private double impersonations(int n) throws Exception {
        AtomicInteger requested = new AtomicInteger();
        AtomicLong last = new AtomicLong();
        Http gitlabStream = new Http(stack.port(BenchStack.IMPERSONATION), null);
        try (BenchKafka.Watcher w = kafka.watch(Topics.IMPERSONATION_EVENTS, r -> {
            if (EventType.IMPERSONATION_CONFIRMATION_REQUESTED.type().equals(BenchKafka.header(r, "ce_type"))) {
                last.set(System.nanoTime());
                requested.incrementAndGet();
            }
        })) {
            long start = System.nanoTime();
            inParallel(n, k -> {
                long id = nextAuditEvent.incrementAndGet();
                send(() -> gitlabStream.post("/gitlab/audit-events", """
                        {"id":%d,"event_type":"user_impersonation","author_id":1,"author_name":"root",
                         "author_email":"admin@gitlab.example","entity_id":1,"entity_type":"User","target_id":4711,
                         "target_type":"User","target_details":"jdoe","ip_address":"203.0.113.7","created_at":"%s",
                         "details":{"custom_message":"Started Impersonation","author_name":"root",
                          "author_email":"admin@gitlab.example","target_id":4711,"target_type":"User",
                          "target_details":"jdoe","ip_address":"203.0.113.7","entity_path":"jdoe"}}"""
                        .formatted(id, Instant.now()), "X-Gitlab-Event-Streaming-Token", BenchStack.auditStreamToken()));
            });
            awaitCount(requested, n, "impersonation confirmations requested");
            return n / ((last.get() - start) / 1e9);
        }
    }

    private interface Call {
        HttpResponse<String> send() throws Exception;
    }

    private static void send(Call call) {
        try {
            HttpResponse<String> r = call.send();
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(r.uri().getPath() + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void inParallel(int n, IntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                int i = k;
                futures.add(pool.submit(() -> task.accept(i)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static void awaitCount(AtomicInteger count, int n, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (count.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + count.get() + " of " + n + " " + what + " within 120 s");
            }
            Thread.sleep(5);
        }
    }
}
