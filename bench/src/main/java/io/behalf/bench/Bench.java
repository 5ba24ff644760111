package io.behalf.bench;

import io.behalf.local.BenchStack;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./behalf bench [--quick]}: starts the whole system on fresh data and free ports, runs every benchmark
 * against it, each beside its raw ceiling, and writes {@code bench/results/} (full) or
 * {@code bench/target/quick-results/} (quick): {@code results.md}, PNG charts and {@code results.csv}.
 */
public final class Bench {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Bench() {
    }

    static void log(String format, Object... args) {
        System.out.println(LocalTime.now(ZoneOffset.UTC).format(CLOCK) + " bench: " + String.format(format, args));
    }

    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0);
        } catch (Exception e) {
            // the broker's threads would keep the JVM alive: a failed run must end
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        io.behalf.testing.QuietLogs.apply();
        Path root = Path.of(System.getProperty("behalf.root", ".")).toAbsolutePath().normalize();
        boolean quick = java.util.List.of(args).contains("--quick");
        // --only=ingest,latency,check,pipelines,startup,growth runs a part (for profiling; its table is partial)
        java.util.Set<String> only = listOption(args, "--only=").collect(java.util.stream.Collectors.toSet());
        java.util.function.Predicate<String> runs = name -> only.isEmpty() || only.contains(name);
        Plan plan = quick ? Plan.quick() : Plan.full();
        // --rates=500 measures the decision latency at these rates only (for experiments; its table is partial)
        java.util.List<Integer> rates = listOption(args, "--rates=").map(Integer::valueOf).toList();
        if (!rates.isEmpty()) {
            plan = plan.withLatencyRates(rates);
        }
        // only a complete full run replaces bench/results, the figures the README shows
        Path results = quick ? root.resolve("bench/target/quick-results")
                : only.isEmpty() && rates.isEmpty() ? root.resolve("bench/results")
                : root.resolve("bench/target/partial-results");
        Path data = root.resolve("bench/target/bench-data");
        deleteTree(data);
        deleteTree(results);
        Files.createDirectories(data);
        Report report = new Report(results);
        long started = System.nanoTime();
        Path logFile = root.resolve("bench/target/bench-stack.log");
        log("plan %s; service and broker output goes to %s", plan.name(), root.relativize(logFile));
        try (PrintStream stackLog = new PrintStream(new FileOutputStream(logFile.toFile()), true);
                BenchStack stack = new BenchStack(root, data, stackLog)) {
            // Ctrl-C stops the services' JVMs too, not only this one
            Thread stopper = new Thread(stack::close, "bench-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            stack.startInfrastructure(PipelineBench.accountsNeeded(plan));
            stack.setEnv(BenchStack.CONSENT, "BEHALF_BENCH_BARE_ENDPOINT", "true");
            String extra = System.getenv("BENCH_JAVA_TOOL_OPTIONS");
            if (extra != null) {
                // trying JVM options before they go into the launcher
                stack.serviceNames().forEach(service -> stack.setEnv(service, "JAVA_TOOL_OPTIONS", extra));
                stack.serviceNames().forEach(service -> stack.setEnv(service, "MALLOC_ARENA_MAX", "2"));
            }
            String jfr = System.getenv("BENCH_JFR");
            if (jfr != null) {
                // profiling a run: the service records a flight recording, written when it stops
                stack.setEnv(jfr, "JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                        + root.resolve("bench/target/" + jfr + ".jfr"));
            }
            // one after the other: four JVMs starting at once on 2 cores time out on their first connections
            for (String service : stack.serviceNames()) {
                stack.start(service);
                if (!stack.awaitReady(service, Duration.ofSeconds(180))) {
                    throw new IllegalStateException(service + " did not become ready: see " + logFile);
                }
            }
            log("the system is up");
            try (BenchKafka kafka = new BenchKafka(stack.bootstrapServers())) {
                Tickets tickets = new Tickets(kafka, new Http(stack.port(BenchStack.CONSENT),
                        stack.token("bench-engineer", "support-engineer")));
                AuditIngestBench ingest = new AuditIngestBench(stack, kafka, plan, report);
                if (runs.test("ingest")) {
                    ingest.run();
                }
                ConsentLatencyBench latency = new ConsentLatencyBench(kafka, tickets, plan, report,
                        () -> cpuSeconds(stack));
                if (runs.test("latency")) {
                    latency.run();
                }
                if (runs.test("check")) {
                    new CheckEndpointBench(stack, plan, report, latency.grantedStory() != null ? latency.grantedStory()
                            : latency.grantOne()).run();
                }
                if (runs.test("pipelines")) {
                    new PipelineBench(stack, kafka, tickets, plan, report).run();
                }
                StartupBench startup = new StartupBench(stack, plan, report);
                if (runs.test("startup")) {
                    startup.recordRssAfterLoad();
                    startup.run();
                }
                if (runs.test("growth")) {
                    new GrowthBench(stack, ingest, plan, report).run();
                }
            }
        } finally {
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            report.about("## Benchmark results (" + plan.name() + " run)");
            report.about("");
            report.about("Run " + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " on "
                    + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
                    + ", in " + seconds / 60 + " min " + seconds % 60 + " s; the suite, the broker and the load "
                    + "clients share those cores with the services. Ratios are measured side by side in this run; "
                    + "absolute numbers are context. Each repeated figure: median (min–max, CV across repetitions).");
            report.write();
            log("results written to %s (%d s)", root.relativize(results), seconds);
        }
    }

    /**
     * Each process's CPU seconds so far, by name: the services (read at each call, as the start-up benchmark
     * restarts them), PostgreSQL and this JVM.
     */
    private static Map<String, java.util.function.DoubleSupplier> cpuSeconds(BenchStack stack) {
        Map<String, java.util.function.DoubleSupplier> processes = new java.util.LinkedHashMap<>();
        for (String service : stack.serviceNames()) {
            long pid = stack.pid(service);
            processes.put(service.replace("-service", ""), () -> CpuTime.seconds(pid));
        }
        processes.put("PostgreSQL", CpuTime::postgresSeconds);
        long suite = ProcessHandle.current().pid();
        processes.put("suite", () -> CpuTime.seconds(suite));
        return processes;
    }

    /** The comma-separated values of every {@code name=a,b} argument. */
    private static java.util.stream.Stream<String> listOption(String[] args, String name) {
        return java.util.Arrays.stream(args).filter(a -> a.startsWith(name))
                .flatMap(a -> java.util.Arrays.stream(a.substring(name.length()).split(",")));
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
