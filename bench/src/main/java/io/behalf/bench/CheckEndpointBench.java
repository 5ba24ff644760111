package io.behalf.bench;

import io.behalf.local.BenchStack;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * {@code GET /consents/check} under closed-loop load against {@code GET /bench/bare} of the same consent-service
 * (same HTTP stack, JWT check and JSON answer, no database), the two alternating window by window so that noise
 * from the shared CPU hits both alike. The ticket checked has a granted consent: the full path runs.
 */
final class CheckEndpointBench {

    private final BenchStack stack;
    private final Plan plan;
    private final Report report;
    private final Tickets.Story story;

    CheckEndpointBench(BenchStack stack, Plan plan, Report report, Tickets.Story story) {
        this.stack = stack;
        this.plan = plan;
        this.report = report;
        this.story = story;
    }

    void run() throws Exception {
        String base = "http://127.0.0.1:" + stack.port(BenchStack.CONSENT);
        String query = "?ticketId=" + story.ticketId() + "&action=RELEASE_EMAIL&targetKind=USER&targetId=" + story.accountId();
        URI check = URI.create(base + "/consents/check" + query);
        URI bare = URI.create(base + "/bench/bare" + query);
        ClosedLoopLoad load = new ClosedLoopLoad(plan.checkConnections(), stack.token("bench-engineer", "support-engineer"));
        load.run(bare, Duration.ofSeconds(plan.checkWarmupSeconds()));
        load.run(check, Duration.ofSeconds(plan.checkWarmupSeconds()));
        List<Double> checkRate = new ArrayList<>();
        List<Double> bareRate = new ArrayList<>();
        List<Double> checkP99 = new ArrayList<>();
        List<Double> bareP99 = new ArrayList<>();
        List<Double> checkP50 = new ArrayList<>();
        List<Double> bareP50 = new ArrayList<>();
        for (int rep = 0; rep < plan.checkRepetitions(); rep++) {
            ClosedLoopLoad.Result b = load.run(bare, Duration.ofSeconds(plan.checkWindowSeconds()));
            ClosedLoopLoad.Result c = load.run(check, Duration.ofSeconds(plan.checkWindowSeconds()));
            Bench.log("check rep %d: check %.0f/s p99 %.1f ms, bare %.0f/s p99 %.1f ms", rep, c.perSecond(), c.p99Ms(),
                    b.perSecond(), b.p99Ms());
            checkRate.add(c.perSecond());
            bareRate.add(b.perSecond());
            checkP99.add(c.p99Ms());
            bareP99.add(b.p99Ms());
            checkP50.add(c.p50Ms());
            bareP50.add(b.p50Ms());
        }
        report.raw("consents-check", "check requests/s", checkRate, "requests/s");
        report.raw("consents-check", "bare requests/s", bareRate, "requests/s");
        Spread ratio = Spread.of(AuditIngestBench.ratios(checkRate, bareRate));
        report.target("GET /consents/check vs bare endpoint", String.format("%.2f", ratio.median()), "≥ 0.5",
                ratio.median() >= 0.5);
        List<String> charts = report.section("GET /consents/check under closed-loop load (" + plan.checkConnections()
                        + " connections)",
                plan.checkWarmupSeconds() + " s warm-up each, then " + plan.checkRepetitions() + " alternating windows of "
                        + plan.checkWindowSeconds() + " s; the load client runs on the same 2 cores.",
                List.of("endpoint", "requests/s", "p50 ms", "p99 ms", "ratio to bare"),
                List.of(List.of("GET /consents/check (database)", Spread.of(checkRate).describe("%.0f"),
                                Spread.of(checkP50).describe("%.1f"), Spread.of(checkP99).describe("%.1f"), ratio.describe("%.2f")),
                        List.of("GET /bench/bare (same app, no database)", Spread.of(bareRate).describe("%.0f"),
                                Spread.of(bareP50).describe("%.1f"), Spread.of(bareP99).describe("%.1f"), "1")));
        CategoryChart chart = new CategoryChartBuilder().width(700).height(400).title("Closed-loop throughput (median)")
                .yAxisTitle("requests/s").build();
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("rate", List.of("bare endpoint", "/consents/check"),
                List.of(Spread.of(bareRate).median(), Spread.of(checkRate).median()));
        report.chart(charts, chart, "consents-check");
    }
}
