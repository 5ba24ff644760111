package io.behalf.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One service as its own JVM, its output prefixed with its name. */
final class ServiceProcess {

    final String name;
    final int port;
    private final Process process;
    /** The archive this JVM writes at exit, or null: kept only if the JVM ended by itself, so complete. */
    private final Path training;

    private ServiceProcess(String name, int port, Process process, Path training) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.training = training;
    }

    /**
     * The JVM options of a service, chosen by the start-up and memory benchmarks (bench/README.md): a class-data
     * archive; C1 only, since these services wait on I/O and C2's compile threads cost more CPU on two cores than its
     * code saves (audit-service's ingest, bound by its own CPU, ran up to 1.6 times faster with C2, but in the full
     * run it started slowest and held the most memory of the four); a heap that starts
     * small and a serial collector that gives it back; smaller stacks, code cache and metaspace; and malloc's free
     * memory handed back to the system every 2 s (up to 18 MB less RSS after load).
     *
     * <p>The archive is the one trained on this build: the build's own AppCDS archive holds only the classes loaded
     * before runtime init (about 6,000 of 16,000: not Hibernate's runtime, not the Kafka clients). A start without a
     * trained archive maps none and writes one when the JVM exits normally ({@link #stop()}, Ctrl-C), holding every
     * class that run loaded; later starts map it. A rebuilt jar makes it stale, and the next start trains again.
     */
    static List<String> jvmOptions(Path jar) {
        List<String> options = new ArrayList<>(List.of("-Xms16m", "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xss512k", "-XX:ReservedCodeCacheSize=32m", "-XX:MaxMetaspaceSize=128m",
                "-XX:TrimNativeHeapInterval=2000"));
        Path trained = trainedArchive(jar);
        if (isNewer(trained, jar)) {
            options.add("-XX:SharedArchiveFile=" + trained);
        } else {
            // a dynamic archive is written on top of the JDK's base archive only, so this start maps no app archive
            options.add(TRAIN + partial(trained));
            // the dump lists every class it cannot archive (lambda forms, generated proxies) as a warning
            options.add("-Xlog:cds=off,cds+dynamic=off");
        }
        return options;
    }

    private static final String TRAIN = "-XX:ArchiveClassesAtExit=";

    static Path trainedArchive(Path jar) {
        return jar.resolveSibling("trained-cds.jsa");
    }

    private static Path partial(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".part");
    }

    private static boolean isNewer(Path file, Path than) {
        try {
            return Files.exists(file) && Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(than)) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    static ServiceProcess start(String name, int port, Path jar, Map<String, String> env, PrintStream out) {
        return start(name, port, jar, jvmOptions(jar), env, out);
    }

    static ServiceProcess start(String name, int port, Path jar, List<String> jvmOptions, Map<String, String> env,
            PrintStream out) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // the build's AppCDS archive names its class path relative to the jar's directory ("quarkus-run.jar"); from
        // any other working directory the JVM refuses the archive and loads every class from the jars
        command.addAll(List.of("-jar", jar.getFileName().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(jar.toAbsolutePath().getParent().toFile())
                .redirectErrorStream(true);
        // glibc's per-thread malloc arenas are resident memory the JVM does not count; two are enough here
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        builder.environment().putAll(env);
        builder.environment().put("PORT", String.valueOf(port));
        try {
            Process process = builder.start();
            Thread pump = new Thread(() -> prefix(name, process, out), name + "-log");
            pump.setDaemon(true);
            pump.start();
            Path training = jvmOptions.contains(TRAIN + partial(trainedArchive(jar))) ? trainedArchive(jar) : null;
            return new ServiceProcess(name, port, process, training);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private static void prefix(String name, Process process, PrintStream out) {
        String tag = String.format("%-30s| ", "[" + name + "]");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(tag + line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Waits until {@code /q/health/ready} answers UP; false when the process died or the time ran out. */
    boolean awaitReady(Duration within) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                process.waitFor(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the JVM ends at once, as on a node failure or an OOM kill. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        keepTrainedArchive(false);
    }

    /** The JVM's process id, for reading its memory from /proc. */
    long pid() {
        return process.pid();
    }

    /** Asks the service to stop (SIGTERM: Quarkus shuts down gracefully) without waiting. */
    void signal() {
        process.destroy();
    }

    /** SIGTERM, and waits; a JVM that writes its class-data archive at exit gets the time that takes. */
    void stop() {
        process.destroy();
        boolean ended = false;
        try {
            ended = process.waitFor(training != null ? 60 : 15, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        keepTrainedArchive(ended);
    }

    private void keepTrainedArchive(boolean complete) {
        if (training == null) {
            return;
        }
        try {
            Path written = partial(training);
            if (complete && Files.exists(written)) {
                Files.move(written, training, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(written);
            }
        } catch (IOException e) {
            // no trained archive: the next start trains again
        }
    }
}
