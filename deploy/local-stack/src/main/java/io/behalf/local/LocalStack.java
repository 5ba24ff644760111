package io.behalf.local;

import io.behalf.testing.EmbeddedKafka;
import io.behalf.testing.EmbeddedPostgresServer;
import io.behalf.testing.FreePorts;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./behalf up}: the whole system on this machine, in one terminal. A real Kafka broker (KRaft) and
 * PostgreSQL keep their data under {@code .local/}, the GitLab and Slack stand-ins serve demo data, and the four
 * services run as separate JVMs with their output prefixed. Ctrl-C stops everything.
 */
public final class LocalStack implements AutoCloseable {

    static final String GITLAB_TOKEN = "local-gitlab-admin-token";
    static final String AUDIT_STREAM_TOKEN = "local-audit-stream-token";
    static final String SLACK_BOT_TOKEN = "xoxb-local-stand-in";
    static final String SLACK_SIGNING_SECRET = "local-slack-signing-secret";
    static final String ZENDESK_SECRET = "local-zendesk-webhook-secret";
    static final String SECURITY_CHANNEL = "C0SECURITY";

    private final Path root;
    private final Path local;
    private final Ports ports;
    private final PrintStream out;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<ServiceProcess> services = new ArrayList<>();
    private final Map<String, Map<String, String>> environments = new HashMap<>();
    private final Map<String, String> settings = new HashMap<>();
    private String bootstrap;
    private EmbeddedKafka kafka;
    private EmbeddedPostgresServer postgres;
    private GitLabStandIn gitlab;
    private SlackStandIn slack;

    /**
     * @param root the repository (services' jars are under {@code <module>/target/quarkus-app})
     * @param local where data and keys are kept
     */
    LocalStack(Path root, Path local, Ports ports, PrintStream out) {
        this.root = root;
        this.local = local;
        this.ports = ports;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("behalf.root", ".")).toAbsolutePath().normalize();
        String command = args.length == 0 ? "up" : args[0];
        try {
            switch (command) {
                case "up" -> new LocalStack(root, root.resolve(".local"), Ports.fromEnv(), System.out).up();
                case "token" -> {
                    if (args.length < 2) {
                        throw new LocalStackException("usage: ./behalf token <support-engineer|support-manager|auditor> [user]");
                    }
                    System.out.println(LocalKeys.in(root.resolve(".local/keys"))
                            .token(args.length > 2 ? args[2] : "local-" + args[1], args[1]));
                }
                case "scenario" -> Scenario.run(LocalKeys.in(root.resolve(".local/keys")), Ports.fromEnv(),
                        System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + Ports.fromEnv().kafka()),
                        System.out);
                case "faults" -> FaultSuite.main(java.util.Arrays.copyOfRange(args, 1, args.length));
                default -> throw new LocalStackException("unknown command '" + command + "': use up, scenario, token or faults");
            }
        } catch (LocalStackException e) {
            System.err.println("behalf: " + e.getMessage());
            System.exit(2);
        }
    }

    private void up() throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("behalf: stopping ...");
            close();
            stopped.countDown();
        }, "local-stack-stop"));
        start();
        out.println();
        out.println("behalf: the whole system is up. In another terminal:");
        out.println("  ./behalf scenario                      play the sample story end to end");
        out.println("  ./behalf token support-engineer        print a bearer token for a role (support-engineer, support-manager, auditor)");
        out.println("Press Ctrl-C to stop everything; data stays under .local/ for the next start.");
        stopped.await();
    }

    /** Settings every service gets on top of the stack's own (environment variable → value); call before start. */
    void serviceSettings(Map<String, String> settings) {
        this.settings.putAll(settings);
    }

    LocalKeys keys() {
        return LocalKeys.in(local.resolve("keys"));
    }

    String bootstrapServers() {
        return bootstrap;
    }

    /** Starts everything and returns once every service is ready. */
    void start() {
        LocalKeys keys = keys();
        for (String service : ports.services().keySet()) {
            if (!Files.exists(jar(service))) {
                throw new LocalStackException(service + " is not built: run ./behalf up (it builds what is missing)");
            }
        }
        int kafkaPort = ports.kafka();
        bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (bootstrap == null || bootstrap.isBlank()) {
            requireFree(kafkaPort, "BEHALF_KAFKA_PORT");
            requireFree(kafkaPort + 1, "BEHALF_KAFKA_PORT");
            kafka = EmbeddedKafka.start(local.resolve("kafka"), kafkaPort);
            running.add(() -> kafka.close());
            bootstrap = kafka.bootstrapServers();
        }
        EmbeddedKafka.createTopics(bootstrap, EmbeddedKafka.LOCAL_PARTITIONS);
        say("kafka", "broker " + bootstrap + ", topics ready");

        Map<String, String> databases = new HashMap<>();
        String jdbc = System.getenv("BEHALF_JDBC_URL");
        String dbUser = System.getenv().getOrDefault("BEHALF_JDBC_USER", EmbeddedPostgresServer.USER);
        String dbPassword = System.getenv().getOrDefault("BEHALF_JDBC_PASSWORD", EmbeddedPostgresServer.PASSWORD);
        if (jdbc == null || jdbc.isBlank()) {
            int pgPort = ports.postgres();
            requireFree(pgPort, "BEHALF_POSTGRES_PORT");
            postgres = EmbeddedPostgresServer.start(local.resolve("postgres"), pgPort, false);
            running.add(() -> postgres.close());
            jdbc = postgres.jdbcUrl("postgres");
        }
        for (String service : ports.services().keySet()) {
            String db = service.replace('-', '_');
            EmbeddedPostgresServer.createDatabase(jdbc, dbUser, dbPassword, db);
            databases.put(service, jdbc.replaceFirst("/[^/?]*(\\?|$)", "/" + db + "$1"));
        }
        say("postgres", "server " + jdbc + ", one database per service");

        String gitlabUrl = System.getenv("BEHALF_GITLAB_URL");
        String gitlabToken = System.getenv().getOrDefault("BEHALF_GITLAB_TOKEN", GITLAB_TOKEN);
        if (gitlabUrl == null || gitlabUrl.isBlank()) {
            gitlab = new GitLabStandIn(ports.gitlab(), GITLAB_TOKEN, out);
            running.add(gitlab);
            gitlabUrl = "http://127.0.0.1:" + gitlab.port() + "/api/v4";
            gitlabToken = GITLAB_TOKEN;
            say("gitlab stand-in", gitlabUrl + " (demo users; admin calls are printed)");
        }
        String slackUrl = System.getenv("BEHALF_SLACK_API_URL");
        String slackToken = System.getenv().getOrDefault("BEHALF_SLACK_BOT_TOKEN", SLACK_BOT_TOKEN);
        String slackSecret = System.getenv().getOrDefault("BEHALF_SLACK_SIGNING_SECRET", SLACK_SIGNING_SECRET);
        if (slackUrl == null || slackUrl.isBlank()) {
            slack = new SlackStandIn(ports.slack(), SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET,
                    URI.create("http://127.0.0.1:" + ports.impersonation() + "/slack/interactions"), out);
            running.add(slack);
            slackUrl = "http://127.0.0.1:" + slack.port() + "/api";
            slackToken = SLACK_BOT_TOKEN;
            slackSecret = SLACK_SIGNING_SECRET;
            say("slack stand-in", "http://127.0.0.1:" + slack.port() + "/ (DMs and alerts; press the buttons there)");
        }

        for (Map.Entry<String, Integer> service : ports.services().entrySet()) {
            requireFree(service.getValue(), "the port of " + service.getKey());
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            env.put("QUARKUS_DATASOURCE_JDBC_URL", databases.get(service.getKey()));
            env.put("QUARKUS_DATASOURCE_USERNAME", dbUser);
            env.put("QUARKUS_DATASOURCE_PASSWORD", dbPassword);
            env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
            env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", keys.jwtPublicKey.toUri().toString());
            env.put("MP_JWT_VERIFY_ISSUER", LocalKeys.ISSUER);
            env.put("BEHALF_GITLAB_URL", gitlabUrl);
            env.put("BEHALF_GITLAB_TOKEN", gitlabToken);
            env.put("BEHALF_GITLAB_AUDIT_STREAM_TOKEN",
                    System.getenv().getOrDefault("BEHALF_GITLAB_AUDIT_STREAM_TOKEN", AUDIT_STREAM_TOKEN));
            env.put("BEHALF_SLACK_API_URL", slackUrl);
            env.put("BEHALF_SLACK_BOT_TOKEN", slackToken);
            env.put("BEHALF_SLACK_SIGNING_SECRET", slackSecret);
            env.put("BEHALF_SLACK_SECURITY_CHANNEL",
                    System.getenv().getOrDefault("BEHALF_SLACK_SECURITY_CHANNEL", SECURITY_CHANNEL));
            env.put("BEHALF_IMPERSONATION_CONFIRM_WITHIN",
                    System.getenv().getOrDefault("BEHALF_IMPERSONATION_CONFIRM_WITHIN", "30s"));
            env.put("BEHALF_ZENDESK_WEBHOOK_SECRET", System.getenv().getOrDefault("BEHALF_ZENDESK_WEBHOOK_SECRET", ZENDESK_SECRET));
            env.put("BEHALF_AUDIT_CHECKPOINT_PRIVATE_KEY", keys.checkpointPrivateKey);
            env.put("BEHALF_AUDIT_CHECKPOINT_PUBLIC_KEY", keys.checkpointPublicKey);
            env.putAll(settings);
            environments.put(service.getKey(), env);
            services.add(ServiceProcess.start(service.getKey(), service.getValue(), jar(service.getKey()), env, out));
        }
        running.add(() -> services.forEach(ServiceProcess::stop));
        for (ServiceProcess service : services) {
            if (!service.awaitReady(Duration.ofSeconds(120))) {
                throw new LocalStackException(service.name + " did not become ready on port " + service.port
                        + ": see its log lines above");
            }
            say(service.name, "ready on http://127.0.0.1:" + service.port + " (/q/health, /q/openapi, /q/metrics)");
        }
    }

    /** Kills a service at once (SIGKILL): no shutdown hook runs, nothing is flushed or committed on the way out. */
    synchronized void kill(String service) {
        process(service).kill();
    }

    /** Starts a stopped or killed service again with the environment it had; returns once it is ready. */
    void restart(String service, Duration within) {
        ServiceProcess started;
        synchronized (this) {
            ServiceProcess old = process(service);
            if (old.isAlive()) {
                throw new IllegalStateException(service + " is still running");
            }
            started = ServiceProcess.start(service, old.port, jar(service), environments.get(service), out);
            services.set(services.indexOf(old), started);
        }
        if (!started.awaitReady(within)) {
            throw new LocalStackException(service + " did not become ready again within " + within.toSeconds() + " s");
        }
    }

    /** Stops the embedded broker, keeping its data directory (only when the stack started one). */
    synchronized void stopKafka() {
        requireEmbedded(kafka, "KAFKA_BOOTSTRAP_SERVERS");
        kafka.close();
    }

    /** Starts the embedded broker again on its port, from the data it had. */
    synchronized void startKafka() {
        requireEmbedded(kafka, "KAFKA_BOOTSTRAP_SERVERS");
        kafka = EmbeddedKafka.start(local.resolve("kafka"), ports.kafka());
    }

    /** Stops the embedded PostgreSQL server, keeping its data directory (only when the stack started one). */
    synchronized void stopPostgres() {
        requireEmbedded(postgres, "BEHALF_JDBC_URL");
        postgres.close();
    }

    synchronized void startPostgres() {
        requireEmbedded(postgres, "BEHALF_JDBC_URL");
        postgres = EmbeddedPostgresServer.start(local.resolve("postgres"), ports.postgres(), false);
    }

    GitLabStandIn gitlab() {
        return gitlab;
    }

    SlackStandIn slack() {
        return slack;
    }

    Ports ports() {
        return ports;
    }

    private ServiceProcess process(String service) {
        return services.stream().filter(s -> s.name.equals(service)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + service));
    }

    private static void requireEmbedded(Object part, String setting) {
        if (part == null) {
            throw new LocalStackException("the stack runs on an outside server (" + setting + "): it cannot restart it");
        }
    }

    private Path jar(String service) {
        return root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
    }

    @Override
    public synchronized void close() {
        // all services stop at once; each is then awaited below before Kafka and PostgreSQL go
        services.forEach(ServiceProcess::signal);
        List<AutoCloseable> reversed = new ArrayList<>(running);
        java.util.Collections.reverse(reversed);
        for (AutoCloseable closeable : reversed) {
            try {
                closeable.close();
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
        running.clear();
    }

    private void say(String who, String what) {
        out.println(String.format("%-30s| ", "[" + who + "]") + what);
    }

    private static void requireFree(int port, String setting) {
        if (!FreePorts.isFree(port)) {
            throw new LocalStackException("port " + port + " is in use: stop what uses it, or set " + setting);
        }
    }
}
