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
 * (VmRSS). The floor of both is a bare JVM serving one health endpoint with the JDK's HTTP server.
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

    void run() throws Exception {
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> againstDefaults = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Double> medians = new ArrayList<>();
        List<Double> floor = floor();
        double floorRss = this.floorRss;
        boolean allFast = true;
        boolean allSmall = true;
        String slowest = "";
        double slowestMs = 0;
        String biggest = "";
        double biggestMb = 0;
        for (String service : stack.serviceNames()) {
            List<Double> times = new ArrayList<>();
            List<Double> defaultsTimes = new ArrayList<>();
            List<Double> readyRss = new ArrayList<>();
            List<Double> defaultsRss = new ArrayList<>();
            // the two configurations alternate, so that the shared CPU's noise hits both alike
            for (int rep = 0; rep < plan.startupRepetitions(); rep++) {
                stack.stop(service);
                long t = System.nanoTime();
                stack.start(service, Map.of(), JVM_DEFAULTS);
                defaultsTimes.add(awaitReady(stack.port(service), t));
                defaultsRss.add(rssMb(stack.pid(service)));
                stack.stop(service);
                long start = System.nanoTime();
                stack.start(service);
                times.add(awaitReady(stack.port(service), start));
                readyRss.add(rssMb(stack.pid(service)));
            }
            Bench.log("start-up %s: %s ms (RSS %s MB); JVM defaults %s ms (RSS %s MB)", service, times, readyRss,
                    defaultsTimes, defaultsRss);
            report.raw("startup", service + " ms to ready with JVM defaults", defaultsTimes, "ms");
            againstDefaults.add(List.of(service, Spread.of(times).describe("%.0f"),
                    Spread.of(defaultsTimes).describe("%.0f"),
                    Spread.of(readyRss).describe("%.0f"), Spread.of(defaultsRss).describe("%.0f")));
            Bench.log("start-up %s: %s ms", service, times);
            report.raw("startup", service + " ms to ready", times, "ms");
            Spread t = Spread.of(times);
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
            rows.add(List.of(service, t.describe("%.0f"), String.format("%.1f", t.median() / Spread.of(floor).median()),
                    String.format("%.0f", rss), String.format("%.1f", rss / floorRss)));
            names.add(service.replace("-service", ""));
            medians.add(t.median());
        }
        rows.add(List.of("bare JVM + JDK HTTP server (floor)", Spread.of(floor).describe("%.0f"), "1",
                String.format("%.0f", floorRss), "1"));
        report.target("Start-up to ready, slowest service (" + slowest + ")", String.format("%.0f ms", slowestMs), "≤ 2 s", allFast);
        report.target("RSS after load, largest service (" + biggest + ")", String.format("%.0f MB", biggestMb), "≤ 200 MB", allSmall);
        List<String> charts = report.section("Start-up and memory (JVM mode)",
                plan.startupRepetitions() + " starts per service, each alone against the running broker and database; "
                        + "process start → first 200 from /q/health/ready. RSS is VmRSS after the load benchmarks above.",
                List.of("service", "start-up ms", "× floor", "RSS after load MB", "× floor"), rows);
        report.section("Start-up and memory: the launcher's JVM options against the JVM's defaults",
                "Each repetition starts the service once with the launcher's options ("
                        + String.join(" ", stack.launcherOptions(BenchStack.CONSENT)) + ", MALLOC_ARENA_MAX=2) and once with "
                        + String.join(" ", JVM_DEFAULTS) + " alone, alternating. RSS here is at ready, before load.",
                List.of("service", "start-up ms (launcher)", "start-up ms (JVM defaults)", "RSS at ready MB (launcher)",
                        "RSS at ready MB (JVM defaults)"), againstDefaults);
        CategoryChart chart = new CategoryChartBuilder().width(700).height(400).title("Start-up to ready (median)")
                .yAxisTitle("ms").build();
        chart.getStyler().setLegendVisible(false);
        names.add("bare JVM");
        medians.add(Spread.of(floor).median());
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
        memNames.add("bare JVM");
        mem.add(floorRss);
        memory.addSeries("RSS", memNames, mem);
        report.chart(charts, memory, "memory");
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
