package io.behalf.bench;

import io.behalf.local.BenchStack;
import io.behalf.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Start-up time (process start to the first 200 of {@code /q/health/ready}, polled every 10 ms) of each service
 * started alone against the running broker and database, and its resident memory after the load benchmarks
 * (VmRSS). Two floors for both: a bare JVM serving one health endpoint with the JDK's HTTP server, and the same
 * Quarkus extensions without Behalf's code ({@link BenchStack#STACK_FLOOR}), which says how much of a service's
 * start-up and memory is its own and how much the stack's.
 */
final class StartupBench {

    private final BenchStack stack;
    private final Plan plan;
    private final Report report;
    private final Map<String, Double> rssAfterLoad = new LinkedHashMap<>();
    /**
     * The baseline measured beside the launcher's options: the JVM's defaults with only a heap cap, as the
     * services were launched before the start-up and memory work (no AppCDS archive, C2, G1, default heap sizing).
     */
    static final List<String> JVM_DEFAULTS = List.of("-Xmx256m");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();

    StartupBench(BenchStack stack, Plan plan, Report report) {
        this.stack = stack;
        this.plan = plan;
        this.report = report;
    }

    /** Reads every service's VmRSS now; call right after the load benchmarks. */
    void recordRssAfterLoad() throws IOException {
        for (String service : stack.serviceNames()) {
            rssAfterLoad.put(service, rssMb(stack.pid(service)));
        }
        Bench.log("RSS after load: %s", rssAfterLoad);
    }

    static double rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    /** One app's alternating starts: with the launcher's options and with the JVM's defaults. */
    private record Starts(List<Double> times, List<Double> readyRss, List<Double> defaultsTimes, List<Double> defaultsRss) {
    }

    private Starts measure(String app) throws Exception {
        Starts s = new Starts(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        // the two configurations alternate, so that the shared CPU's noise hits both alike
        for (int rep = 0; rep < plan.startupRepetitions(); rep++) {
            stack.stop(app);
            long t = System.nanoTime();
            stack.start(app, Map.of(), JVM_DEFAULTS);
            s.defaultsTimes().add(awaitReady(stack.port(app), t));
            s.defaultsRss().add(rssMb(stack.pid(app)));
            stack.stop(app);
            long start = System.nanoTime();
            stack.start(app);
            s.times().add(awaitReady(stack.port(app), start));
            s.readyRss().add(rssMb(stack.pid(app)));
        }
        Bench.log("start-up %s: %s ms (RSS %s MB); JVM defaults %s ms (RSS %s MB)", app, s.times(), s.readyRss(),
                s.defaultsTimes(), s.defaultsRss());
        report.raw("startup", app + " ms to ready with JVM defaults", s.defaultsTimes(), "ms");
        report.raw("startup", app + " ms to ready", s.times(), "ms");
        return s;
    }

    /** The stack floor's first start trains its class-data archive (as every service's first start did). */
    private Starts measureStackFloor() throws Exception {
        stack.start(BenchStack.STACK_FLOOR);
        if (!stack.awaitReady(BenchStack.STACK_FLOOR, Duration.ofSeconds(120))) {
            throw new IllegalStateException("the stack floor app did not become ready: see bench/target/bench-stack.log");
        }
        stack.stop(BenchStack.STACK_FLOOR);
        Starts s = measure(BenchStack.STACK_FLOOR);
        stackFloorRssAfterLoad = loadStackFloor();
        stack.stop(BenchStack.STACK_FLOOR);
        return s;
    }

    private double stackFloorRssAfterLoad;

    /**
     * A load of the stack floor's own, of the kinds the services get: the ingest benchmark's number of Kafka records
     * consumed in batches into the database, then a closed-loop read load on its JWT-protected endpoint. Returns its
     * VmRSS after that, in MB.
     */
    private double loadStackFloor() throws Exception {
        String app = BenchStack.STACK_FLOOR;
        try (BenchKafka kafka = new BenchKafka(stack.bootstrapServers())) {
            for (int i = 0; i < plan.ingestRecords(); i++) {
                kafka.sendRaw(BenchStack.STACK_FLOOR_TOPIC, String.valueOf(i % 64), "note " + i);
            }
            kafka.flush();
            kafka.awaitConsumersCaughtUp(Duration.ofSeconds(120));
        }
        ClosedLoopLoad.Result read = new ClosedLoopLoad(plan.checkConnections(), stack.token("bench", "support-engineer"))
                .run(URI.create("http://127.0.0.1:" + stack.port(app) + "/notes"), Duration.ofSeconds(plan.checkWindowSeconds()));
        double rss = rssMb(stack.pid(app));
        Bench.log("stack floor after %d records and %d requests: RSS %.0f MB", plan.ingestRecords(), read.requests(), rss);
        return rss;
    }

    void run() throws Exception {
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> againstDefaults = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Double> medians = new ArrayList<>();
        List<Double> floor = floor();
        double floorRss = this.floorRss;
        double bare = Spread.of(floor).median();
        Starts stackFloor = measureStackFloor();
        double stackFloorMs = Spread.of(stackFloor.times()).median();
        boolean allFast = true;
        boolean allSmall = true;
        String slowest = "";
        double slowestMs = 0;
        String biggest = "";
        double biggestMb = 0;
        for (String service : stack.serviceNames()) {
            Starts s = measure(service);
            againstDefaults.add(againstDefaults(service, s));
            Spread t = Spread.of(s.times());
            double rss = rssAfterLoad.get(service);
            allFast &= t.median() <= 2000;
            allSmall &= rss <= 200;
            if (t.median() > slowestMs) {
                slowestMs = t.median();
                slowest = service;
            }
            if (rss > biggestMb) {
                biggestMb = rss;
                biggest = service;
            }
            rows.add(List.of(service, t.describe("%.0f"), String.format("%.1f", t.median() / bare),
                    String.format("%.2f", t.median() / stackFloorMs), Spread.of(s.readyRss()).describe("%.0f"),
                    String.format("%.0f", rss), String.format("%.1f", rss / floorRss)));
            names.add(service.replace("-service", ""));
            medians.add(t.median());
        }
        againstDefaults.add(againstDefaults(STACK_FLOOR_ROW, stackFloor));
        rows.add(List.of(STACK_FLOOR_ROW, Spread.of(stackFloor.times()).describe("%.0f"),
                String.format("%.1f", stackFloorMs / bare), "1", Spread.of(stackFloor.readyRss()).describe("%.0f"),
                String.format("%.0f", stackFloorRssAfterLoad), String.format("%.1f", stackFloorRssAfterLoad / floorRss)));
        rows.add(List.of("bare JVM + JDK HTTP server (floor)", Spread.of(floor).describe("%.0f"), "1", "–",
                String.format("%.0f", floorRss), "–", "1"));
        report.target("Start-up to ready, slowest service (" + slowest + ")", String.format("%.0f ms", slowestMs), "≤ 2 s", allFast);
        report.target("RSS after load, largest service (" + biggest + ")", String.format("%.0f MB", biggestMb), "≤ 200 MB", allSmall);
        List<String> charts = report.section("Start-up and memory (JVM mode)",
                plan.startupRepetitions() + " starts per service, each alone against the running broker and database; "
                        + "process start → first 200 from /q/health/ready. RSS after load is VmRSS after the load "
                        + "benchmarks above; RSS at ready is at the starts timed here. Two floors: a bare JVM serving "
                        + "one health endpoint, and the stack floor, a Quarkus app with the services' extensions and "
                        + "one use of each (an entity and its migration, a JWT-protected endpoint, a batch Kafka "
                        + "consumer, an emitter, a scheduled job, a REST client) but no Behalf code "
                        + "(bench/stack-floor), started the same way with the same JVM options; its load is its own: "
                        + plan.ingestRecords() + " Kafka records consumed in batches into its database, then "
                        + plan.checkWindowSeconds() + " s of GET /notes on " + plan.checkConnections() + " connections.",
                List.of("app", "start-up ms", "× bare JVM", "× stack floor", "RSS at ready MB", "RSS after load MB",
                        "after load × bare JVM"), rows);
        report.section("Start-up and memory: the launcher's JVM options against the JVM's defaults",
                "Each repetition starts the app once with the launcher's options ("
                        + String.join(" ", stack.launcherOptions(BenchStack.CONSENT)) + ", MALLOC_ARENA_MAX=2) and once with "
                        + String.join(" ", JVM_DEFAULTS) + " alone, alternating. RSS here is at ready, before load.",
                List.of("app", "start-up ms (launcher)", "start-up ms (JVM defaults)", "RSS at ready MB (launcher)",
                        "RSS at ready MB (JVM defaults)"), againstDefaults);
        CategoryChart chart = new CategoryChartBuilder().width(700).height(400).title("Start-up to ready (median)")
                .yAxisTitle("ms").build();
        chart.getStyler().setLegendVisible(false);
        names.add("stack floor");
        medians.add(stackFloorMs);
        names.add("bare JVM");
        medians.add(bare);
        chart.addSeries("start-up", names, medians);
        report.chart(charts, chart, "startup");
        CategoryChart memory = new CategoryChartBuilder().width(700).height(400).title("RSS after load")
                .yAxisTitle("MB").build();
        memory.getStyler().setLegendVisible(false);
        List<String> memNames = new ArrayList<>();
        List<Double> mem = new ArrayList<>();
        rssAfterLoad.forEach((k, v) -> {
            memNames.add(k.replace("-service", ""));
            mem.add(v);
        });
        memNames.add("stack floor");
        mem.add(stackFloorRssAfterLoad);
        memNames.add("bare JVM");
        mem.add(floorRss);
        memory.addSeries("RSS", memNames, mem);
        report.chart(charts, memory, "memory");
    }

    private static final String STACK_FLOOR_ROW = "Quarkus, same extensions, no Behalf code (stack floor)";

    private static List<String> againstDefaults(String app, Starts s) {
        return List.of(app, Spread.of(s.times()).describe("%.0f"), Spread.of(s.defaultsTimes()).describe("%.0f"),
                Spread.of(s.readyRss()).describe("%.0f"), Spread.of(s.defaultsRss()).describe("%.0f"));
    }

    private double floorRss;

    private List<Double> floor() throws Exception {
        List<Double> times = new ArrayList<>();
        for (int rep = 0; rep < Math.max(3, plan.startupRepetitions()); rep++) {
            int port = FreePorts.next();
            long start = System.nanoTime();
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), JvmFloor.class.getName(), String.valueOf(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                times.add(awaitReady(port, start));
                floorRss = rssMb(p.pid());
            } finally {
                p.destroy();
                p.waitFor();
            }
        }
        return times;
    }

    private double awaitReady(int port, long start) throws Exception {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = start + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - start) / 1e6;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("port " + port + " was not ready within 120 s");
    }
}
