package io.behalf.bench;

import io.behalf.local.BenchStack;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Cost against size: at each stored size, the time per ingested event (a backlog through the running service, as
 * in the ingest benchmark) and the latency of one keyset page ({@code GET /audit/records?after=&limit=100}) at
 * the start of the log and at its end, so a query that slows down with depth shows.
 */
final class GrowthBench {

    /** Warm-up backlogs of the repetition's size after each restart of audit-service. */
    static final int WARMUPS = 3;

    private final BenchStack stack;
    private final AuditIngestBench ingest;
    private final Plan plan;
    private final Report report;

    GrowthBench(BenchStack stack, AuditIngestBench ingest, Plan plan, Report report) {
        this.stack = stack;
        this.ingest = ingest;
        this.plan = plan;
        this.report = report;
    }

    void run() throws Exception {
        List<List<String>> rows = new ArrayList<>();
        List<Double> sizes = new ArrayList<>();
        List<Double> perEvent = new ArrayList<>();
        List<Double> shallow = new ArrayList<>();
        List<Double> deep = new ArrayList<>();
        Http auditor = new Http(stack.port(BenchStack.AUDIT), stack.token("bench-auditor", "auditor"));
        // the sizes are totals: the log starts empty here, not with what the benchmarks before left in it
        stack.stop(BenchStack.AUDIT);
        stack.resetDatabase(BenchStack.AUDIT);
        stack.start(BenchStack.AUDIT);
        if (!stack.awaitReady(BenchStack.AUDIT, Duration.ofSeconds(180))) {
            throw new IllegalStateException("audit-service did not start on an empty database");
        }
        try (Connection db = AuditIngestBench.connect(stack)) {
            for (int size : plan.growthSizes()) {
                // the preload marks its rows published, which holds only if everything before them was
                AuditIngestBench.awaitPublished(db, Duration.ofMinutes(2));
                stack.stop(BenchStack.AUDIT);
                long t0 = System.nanoTime();
                long added = AuditPreload.growTo(db, size);
                Bench.log("growth: %d rows added by COPY in %.1f s", added, (System.nanoTime() - t0) / 1e9);
                // vacuumed as well as analysed: since PostgreSQL 13 inserts alone wake autovacuum, and its pass over
                // the rows just copied ran in the middle of the 1M measurement (1.34 times the smallest size's time
                // per event in one full run, 0.83 in the run before)
                try (var s = db.createStatement()) {
                    s.execute("vacuum analyze audit_record");
                }
                stack.start(BenchStack.AUDIT);
                if (!stack.awaitReady(BenchStack.AUDIT, Duration.ofSeconds(120))) {
                    throw new IllegalStateException("audit-service did not restart");
                }
                // warm-up backlogs so the JIT, the connection pool and the heap are in the same state at every size: a
                // quarter of a repetition left the restarted service still warming up in the first (345, 315, 262
                // µs/event), and the heap grows from -Xms16m over the first tens of thousands of events (Plan)
                long head = 0;
                for (int w = 0; w < WARMUPS; w++) {
                    head = AuditIngestBench.head(db);
                    ingest.produce(plan.growthIngest(), "GW" + size + "-" + w);
                    AuditIngestBench.awaitIngest(db, head, plan.growthIngest(), Duration.ofMinutes(5));
                }
                // repeated: one ingest of a few seconds swung by 40% between runs at the same size (0.83 and 1.51
                // times the smallest size's time at 1M in two runs of one build), which no growth could explain
                List<Double> micros = new ArrayList<>();
                // CPU per event beside the time: it says whether a slower size is more work (the database's, as an
                // index outgrows its buffers) or a busier machine
                List<Double> serviceCpu = new ArrayList<>();
                List<Double> dbCpu = new ArrayList<>();
                long pid = stack.pid(BenchStack.AUDIT);
                for (int rep = 0; rep < plan.growthRepetitions(); rep++) {
                    head = AuditIngestBench.head(db);
                    double cpu0 = CpuTime.seconds(pid);
                    double db0 = CpuTime.postgresSeconds();
                    ingest.produce(plan.growthIngest(), "G" + size + "-" + rep);
                    micros.add(1e6 / AuditIngestBench.awaitIngest(db, head, plan.growthIngest(), Duration.ofMinutes(5)));
                    serviceCpu.add((CpuTime.seconds(pid) - cpu0) * 1e6 / plan.growthIngest());
                    dbCpu.add((CpuTime.postgresSeconds() - db0) * 1e6 / plan.growthIngest());
                }
                Spread cost = Spread.of(micros);
                report.raw("growth", "audit-service CPU µs/event at " + size, serviceCpu, "µs");
                report.raw("growth", "PostgreSQL CPU µs/event at " + size, dbCpu, "µs");
                report.raw("growth", "ingest µs/event at " + size, micros, "µs");
                long end = AuditIngestBench.head(db);
                List<Double> first = query(auditor, 0);
                List<Double> last = query(auditor, end - 150);
                Spread f = Spread.of(first);
                Spread l = Spread.of(last);
                Bench.log("growth %d: %s µs/event (CPU µs/event audit-service %s, PostgreSQL %s), page at start %.2f ms, "
                        + "at end %.2f ms", size, AuditIngestBench.rounded(micros), AuditIngestBench.rounded(serviceCpu),
                        AuditIngestBench.rounded(dbCpu), f.median(), l.median());
                rows.add(List.of(String.format("%,d", end), cost.describe("%.0f"),
                        Spread.of(serviceCpu).describe("%.0f"), Spread.of(dbCpu).describe("%.0f"),
                        String.format("%.2f", f.median()), String.format("%.2f", Samples.percentile(sorted(first), 95)),
                        String.format("%.2f", l.median()), String.format("%.2f", Samples.percentile(sorted(last), 95))));
                sizes.add((double) end);
                perEvent.add(cost.median());
                shallow.add(f.median());
                deep.add(l.median());
            }
        }
        double flatness = perEvent.get(perEvent.size() - 1) / perEvent.get(0);
        double depth = deep.get(deep.size() - 1) / shallow.get(shallow.size() - 1);
        report.target("Ingest time per event, largest ÷ smallest size", String.format("%.2f", flatness),
                "flat (≤ 1.25)", flatness <= 1.25);
        report.target("Keyset page at the end ÷ at the start, largest size", String.format("%.2f", depth),
                "no slow-down (≤ 1.25)", depth <= 1.25);
        List<String> charts = report.section("Growth: audit ingest and query cost by stored records",
                "On a log emptied first, rows preloaded with COPY as valid chain links; then " + plan.growthIngest() + " events ingested "
                        + "through the service, " + plan.growthRepetitions() + " times after " + WARMUPS + " warm-ups of the same size "
                        + "(the table's size is the log's at the end), and " + plan.queryRepetitions()
                        + " sequential keyset pages of 100 at the start (after=0) and at the end of the log.",
                List.of("stored records", "ingest µs/event", "CPU µs/event: audit-service", "PostgreSQL",
                        "page at start p50 ms", "p95 ms", "page at end p50 ms", "p95 ms"),
                rows);
        XYChart chart = new XYChartBuilder().width(700).height(400).title("Cost by stored records")
                .xAxisTitle("stored records").yAxisTitle("µs per event / ms per page").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.addSeries("ingest µs/event", sizes, perEvent);
        chart.addSeries("page at start ms", sizes, shallow);
        chart.addSeries("page at end ms", sizes, deep);
        report.chart(charts, chart, "growth");
    }

    private static List<Double> sorted(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        java.util.Collections.sort(s);
        return s;
    }

    private List<Double> query(Http auditor, long after) throws Exception {
        for (int i = 0; i < 20; i++) {
            auditor.get("/audit/records?after=" + after + "&limit=100");
        }
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < plan.queryRepetitions(); i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = auditor.get("/audit/records?after=" + after + "&limit=100");
            ms.add((System.nanoTime() - t0) / 1e6);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET /audit/records answered " + r.statusCode() + ": " + r.body());
            }
        }
        return ms;
    }
}
