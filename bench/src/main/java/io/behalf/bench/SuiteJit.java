package io.behalf.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * The suite JVM's own JIT compilers. That JVM hosts the broker and the load clients on the services' two cores, and
 * a setup phase (thousands of HTTP requests and records) leaves its C2 compiler busy for many seconds after: in a
 * profiled latency run it took 0.3 of a core through the whole 100/s window. A window measured then measures the
 * harness warming up, so the latency benchmark waits for the compilers to go quiet first, as it waits for the
 * consumers to catch up.
 */
final class SuiteJit {

    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
    /** Compile time per second below which the compilers count as quiet (a core is 1,000 ms a second). */
    private static final long QUIET_MS_PER_SECOND = 30;

    private SuiteJit() {
    }

    /** Milliseconds the suite JVM's compilers have spent so far. */
    static long compileMs() {
        return JIT.getTotalCompilationTime();
    }

    /** Waits until two seconds in a row each cost less than {@value #QUIET_MS_PER_SECOND} ms of compiling. */
    static void awaitQuiet(Duration max) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + max.toNanos();
        int quiet = 0;
        long last = compileMs();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1000);
            long now = compileMs();
            quiet = now - last < QUIET_MS_PER_SECOND ? quiet + 1 : 0;
            last = now;
            if (quiet == 2) {
                Bench.log("the suite's JIT went quiet after %.1f s", (System.nanoTime() - started) / 1e9);
                return;
            }
        }
        Bench.log("the suite's JIT still compiling after %s; measuring anyway", max);
    }
}
