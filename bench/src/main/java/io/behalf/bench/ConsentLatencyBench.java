package io.behalf.bench;

import io.behalf.events.EventType;
import io.behalf.events.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Consent decision latency: a granting {@code comment-added} record produced at a fixed open-loop rate, to the
 * matching {@code behalf.consent.granted} consumed. Sends are scheduled by the wall clock and latency is measured
 * from the intended send time, so a stalled service cannot slow the load down and hide its own stall
 * (coordinated omission). Each comment answers a consent asked beforehand on its own ticket.
 */
final class ConsentLatencyBench {

    private final BenchKafka kafka;
    private final Tickets tickets;
    private final Plan plan;
    private final Report report;
    /** A ticket with a granted consent, left for the /consents/check benchmark. */
    private Tickets.Story granted;

    /** The processes whose CPU a decision is charged with, by name (the services, PostgreSQL, this suite). */
    private final java.util.function.Supplier<java.util.Map<String, java.util.function.DoubleSupplier>> cpuSeconds;

    ConsentLatencyBench(BenchKafka kafka, Tickets tickets, Plan plan, Report report,
            java.util.function.Supplier<java.util.Map<String, java.util.function.DoubleSupplier>> cpuSeconds) {
        this.cpuSeconds = cpuSeconds;
        this.kafka = kafka;
        this.tickets = tickets;
        this.plan = plan;
        this.report = report;
    }

    /** A granted consent on a ticket of its own, when the latency benchmark is not run. */
    Tickets.Story grantOne() throws Exception {
        Tickets.Story s = new Tickets.Story("CHECK-1", "9002", "9001", "johndoe@example.com");
        tickets.askForRelease(List.of(s), 1);
        tickets.grant(s);
        kafka.flush();
        Thread.sleep(3000);
        return s;
    }

    Tickets.Story grantedStory() {
        return granted;
    }

    void run() throws Exception {
        List<List<String>> rows = new ArrayList<>();
        String cpuHeader = "CPU ms per decision: " + String.join(" / ", cpuSeconds.get().keySet());
        CategoryChart chart = new CategoryChartBuilder().width(700).height(400).title("Consent decision latency")
                .xAxisTitle("comment-added records per second").yAxisTitle("ms").build();
        List<String> rates = new ArrayList<>();
        List<Double> p50s = new ArrayList<>();
        List<Double> p95s = new ArrayList<>();
        List<Double> p99s = new ArrayList<>();
        List<Double> echoP99 = new ArrayList<>();
        io.behalf.testing.EmbeddedKafka.createTopics(kafka.bootstrap(), List.of(ECHO), 6);
        for (int rate : plan.latencyRates()) {
            int perWindow = rate * plan.latencyWindowSeconds();
            int warmup = rate * plan.latencyWarmupSeconds();
            int total = warmup + perWindow * plan.latencyWindows();
            List<Tickets.Story> stories = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                // one requester and one account for all: the requester releases their own address (rule 2)
                stories.add(new Tickets.Story("LAT-" + rate + "-" + i, "9002", "9001", "johndoe@example.com"));
            }
            long setup = System.nanoTime();
            tickets.askForRelease(stories, 8);
            Bench.log("consent latency %d/s: %d consents asked in %.1f s", rate, total, (System.nanoTime() - setup) / 1e9);
            kafka.awaitConsumersCaughtUp(java.time.Duration.ofMinutes(3));
            SuiteJit.awaitQuiet(java.time.Duration.ofSeconds(60));
            long jit0 = SuiteJit.compileMs();
            java.util.Map<String, java.util.function.DoubleSupplier> processes = cpuSeconds.get();
            java.util.Map<String, Double> cpu0 = new java.util.LinkedHashMap<>();
            processes.forEach((name, seconds) -> cpu0.put(name, seconds.getAsDouble()));
            long[] latency = openLoop(rate, total, Topics.CONSENT_EVENTS,
                    r -> EventType.CONSENT_GRANTED.type().equals(BenchKafka.header(r, "ce_type")),
                    stories.stream().map(Tickets.Story::ticketId).toList(), i -> tickets.grant(stories.get(i)));
            // CPU per decision: what a comment costs each process, whatever else shares the cores (the others' work
            // included): where the two cores go
            java.util.Map<String, Double> cpuMs = new java.util.LinkedHashMap<>();
            processes.forEach((name, seconds) -> cpuMs.put(name, (seconds.getAsDouble() - cpu0.get(name)) * 1000 / total));
            String cpuCells = cpuMs.values().stream().map(ms -> String.format("%.2f", ms))
                    .collect(java.util.stream.Collectors.joining(" / "));
            long suiteJitMs = SuiteJit.compileMs() - jit0;
            long[] echo = openLoop(rate, total, ECHO, r -> true, stories.stream().map(Tickets.Story::ticketId).toList(),
                    i -> kafka.sendRaw(ECHO, stories.get(i).ticketId(), "{}"));
            echoP99.add(Samples.percentile(java.util.Arrays.copyOfRange(echo, warmup, total), 99) / 1e6);
            long missing = java.util.Arrays.stream(latency).filter(l -> l == 0).count();
            List<Double> p50 = new ArrayList<>();
            List<Double> p95 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            for (int wdx = 0; wdx < plan.latencyWindows(); wdx++) {
                long[] window = new long[perWindow];
                for (int i = 0; i < perWindow; i++) {
                    long l = latency[warmup + wdx * perWindow + i];
                    window[i] = l == 0 ? Long.MAX_VALUE : l; // never granted counts as worse than any latency
                }
                p50.add(Samples.percentile(window, 50) / 1e6);
                p95.add(Samples.percentile(window, 95) / 1e6);
                p99.add(Samples.percentile(window, 99) / 1e6);
            }
            Bench.log("consent latency %d/s: p50 %s p95 %s p99 %s ms, %d not granted; CPU ms per decision %s: %s;"
                    + " the suite's JIT %d ms", rate, p50, p95, p99, missing, String.join(" / ", cpuMs.keySet()),
                    cpuCells, suiteJitMs);
            report.raw("consent-latency", rate + "/s p99", p99, "ms");
            rows.add(List.of(String.valueOf(rate), String.valueOf(perWindow * plan.latencyWindows()),
                    Spread.of(p50).describe("%.1f"), Spread.of(p95).describe("%.1f"), Spread.of(p99).describe("%.1f"),
                    String.valueOf(missing), cpuCells,
                    String.valueOf(suiteJitMs), String.format("%.1f", echoP99.get(echoP99.size() - 1))));
            if (rate == 500) {
                double p = Spread.of(p99).median();
                report.target("Consent decision p99 at 500/s", String.format("%.1f ms", p), "≤ 50 ms", p <= 50 && missing == 0);
            }
            rates.add(String.valueOf(rate));
            p50s.add(Spread.of(p50).median());
            p95s.add(Spread.of(p95).median());
            p99s.add(Spread.of(p99).median());
            granted = stories.get(0);
        }
        List<String> charts = report.section("Consent decision latency (comment-added → consent.granted consumed)",
                "Open loop at a fixed rate, measured from the intended send time. Per rate: " + plan.latencyWarmupSeconds()
                        + " s warm-up, then " + plan.latencyWindows() + " windows of " + plan.latencyWindowSeconds()
                        + " s; each cell is the median over windows (min–max, CV) in ms. Baseline (last column): "
                        + "a plain producer-to-consumer hop through the same broker at the same rate, measured the same way. "
                        + "CPU per decision: the process's user + system time over the rate's run (warm-up included) "
                        + "divided by its comments, for each service, PostgreSQL (every service's database) and the "
                        + "suite's JVM (the broker, the stand-ins and the load client). Each rate starts once "
                        + "the consumers have caught up with its setup and the suite JVM's JIT has gone quiet; the "
                        + "suite's JIT column is its compile time during the rate's run (it shares the cores).",
                List.of("rate /s", "events measured", "p50 ms", "p95 ms", "p99 ms", "not granted",
                        cpuHeader, "suite's JIT ms", "raw produce→consume p99 ms"),
                rows);
        chart.addSeries("p50", rates, p50s);
        chart.addSeries("p95", rates, p95s);
        chart.addSeries("p99", rates, p99s);
        chart.addSeries("raw hop p99", rates, echoP99);
        report.chart(charts, chart, "consent-latency");
    }

    /** A bench-only topic: one plain produce-consume hop at the same rate is the floor of a decision's latency. */
    static final String ECHO = "bench.echo";

    /**
     * Sends {@code total} records at {@code rate}, each at its intended time, and returns per record the nanoseconds
     * from that time until a record with its key and matching {@code outcome} was consumed from {@code topic}
     * (0: never, within a minute after the last send).
     */
    private long[] openLoop(int rate, int total, String topic,
            java.util.function.Predicate<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> outcome,
            List<String> keys, java.util.function.IntConsumer send) throws InterruptedException {
        long[] intended = new long[total];
        AtomicLongArray latency = new AtomicLongArray(total);
        Map<String, Integer> index = new ConcurrentHashMap<>();
        for (int i = 0; i < total; i++) {
            index.put(keys.get(i), i);
        }
        AtomicInteger seen = new AtomicInteger();
        try (BenchKafka.Watcher w = kafka.watch(topic, r -> {
            Integer i = index.get(r.key());
            if (i != null && outcome.test(r) && latency.compareAndSet(i, 0, System.nanoTime() - intended[i])) {
                seen.incrementAndGet();
            }
        })) {
            long start = System.nanoTime() + 200_000_000L;
            long interval = 1_000_000_000L / rate;
            for (int i = 0; i < total; i++) {
                intended[i] = start + i * interval;
            }
            for (int i = 0; i < total; i++) {
                long wait;
                while ((wait = intended[i] - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                send.accept(i);
            }
            kafka.flush();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline && seen.get() < total) {
                Thread.sleep(50);
            }
        }
        long[] out = new long[total];
        for (int i = 0; i < total; i++) {
            out[i] = latency.get(i);
        }
        return out;
    }
}
