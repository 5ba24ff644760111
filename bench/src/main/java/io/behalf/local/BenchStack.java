package io.behalf.local;

import io.behalf.testing.EmbeddedKafka;
import io.behalf.testing.EmbeddedPostgresServer;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local stack as the benchmarks need it: the same broker, database, stand-ins and packaged services as
 * {@link LocalStack}, on free ports and fresh data, but with each service started and stopped on its own (start-up
 * is timed per service, audit-service is restarted in front of a backlog) and the GitLab stand-in holding as many
 * inactive accounts as the email-release run releases. Lives in the local stack's package to reuse its
 * package-private launcher pieces without widening them.
 */
public final class BenchStack implements AutoCloseable {

    public static final String CONSENT = "consent-service";
    public static final String EMAIL_RELEASE = "email-release-service";
    public static final String AUDIT = "audit-service";
    public static final String IMPERSONATION = "impersonation-alert-service";
    /**
     * Not a service: a Quarkus app with the services' extensions and no Behalf code (bench/stack-floor), the start-up
     * benchmark's floor for the stack itself. Started and stopped like a service, with its own database and topic.
     */
    public static final String STACK_FLOOR = "stack-floor";
    public static final String STACK_FLOOR_TOPIC = "stack-floor.notes";

    /** First GitLab id of the inactive accounts added for the email-release run; their requesters follow. */
    public static final int RELEASE_ACCOUNTS = 2_000_000;
    public static final int RELEASE_REQUESTERS = 3_000_000;

    private final Path root;
    private final Path data;
    private final PrintStream log;
    private final Ports ports = Ports.free();
    /** Every app this stack starts, the four services and the stack floor, by name, with its HTTP port. */
    private final Map<String, Integer> apps = withStackFloor(ports.services());
    private final List<AutoCloseable> infrastructure = new ArrayList<>();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, String> databases = new HashMap<>();
    private final Map<String, Map<String, String>> extraEnv = new HashMap<>();
    private LocalKeys keys;
    private String bootstrap;
    private String serverJdbc;
    private String gitlabUrl;
    private String slackUrl;

    public BenchStack(Path root, Path data, PrintStream log) {
        this.root = root;
        this.data = data;
        this.log = log;
    }

    /** Broker, database, one database per service, the stand-ins; {@code releaseAccounts} inactive accounts. */
    public void startInfrastructure(int releaseAccounts) {
        keys = LocalKeys.in(data.resolve("keys"));
        EmbeddedKafka kafka = EmbeddedKafka.start(data.resolve("kafka"), ports.kafka());
        infrastructure.add(kafka);
        bootstrap = kafka.bootstrapServers();
        EmbeddedKafka.createTopics(bootstrap, EmbeddedKafka.LOCAL_PARTITIONS);
        EmbeddedKafka.createTopics(bootstrap, List.of(STACK_FLOOR_TOPIC), EmbeddedKafka.LOCAL_PARTITIONS);
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data.resolve("postgres"), ports.postgres(), true);
        infrastructure.add(pg);
        serverJdbc = pg.jdbcUrl("postgres");
        for (String service : apps.keySet()) {
            String db = service.replace('-', '_');
            EmbeddedPostgresServer.createDatabase(serverJdbc, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD, db);
            databases.put(service, serverJdbc.replaceFirst("/[^/?]*(\\?|$)", "/" + db + "$1"));
        }
        GitLabStandIn gitlab = new GitLabStandIn(ports.gitlab(), LocalStack.GITLAB_TOKEN, log);
        for (int i = 0; i < releaseAccounts; i++) {
            gitlab.addInactiveAccount(String.valueOf(RELEASE_ACCOUNTS + i), "bench-old-" + i, releaseEmail(i), "premium");
        }
        infrastructure.add(gitlab);
        gitlabUrl = "http://127.0.0.1:" + gitlab.port() + "/api/v4";
        SlackStandIn slack = new SlackStandIn(ports.slack(), LocalStack.SLACK_BOT_TOKEN, LocalStack.SLACK_SIGNING_SECRET,
                URI.create("http://127.0.0.1:" + ports.impersonation() + "/slack/interactions"), log);
        infrastructure.add(slack);
        slackUrl = "http://127.0.0.1:" + slack.port() + "/api";
    }

    private static Map<String, Integer> withStackFloor(Map<String, Integer> services) {
        Map<String, Integer> apps = new LinkedHashMap<>(services);
        apps.put(STACK_FLOOR, io.behalf.testing.FreePorts.next());
        return apps;
    }

    public static String releaseEmail(int i) {
        return "bench" + i + "@example.com";
    }

    /** Environment added to one service's on every start (e.g. the bare endpoint of consent-service). */
    public void setEnv(String service, String name, String value) {
        extraEnv.computeIfAbsent(service, s -> new HashMap<>()).put(name, value);
    }

    /** Starts one service's JVM; returns at once (see {@link #awaitReady}). */
    public void start(String service) {
        start(service, Map.of());
    }

    /** Starts one service's JVM with environment added for this start only (e.g. JVM options to compare). */
    public void start(String service, Map<String, String> thisStart) {
        start(service, thisStart, ServiceProcess.jvmOptions(jar(service)));
    }

    /** Starts the service with these JVM options instead of the launcher's (the start-up benchmark's baseline). */
    public void start(String service, Map<String, String> thisStart, List<String> jvmOptions) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", databases.get(service));
        env.put("QUARKUS_DATASOURCE_USERNAME", EmbeddedPostgresServer.USER);
        env.put("QUARKUS_DATASOURCE_PASSWORD", EmbeddedPostgresServer.PASSWORD);
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", keys.jwtPublicKey.toUri().toString());
        env.put("MP_JWT_VERIFY_ISSUER", LocalKeys.ISSUER);
        env.put("BEHALF_GITLAB_URL", gitlabUrl);
        env.put("BEHALF_GITLAB_TOKEN", LocalStack.GITLAB_TOKEN);
        env.put("BEHALF_GITLAB_AUDIT_STREAM_TOKEN", LocalStack.AUDIT_STREAM_TOKEN);
        env.put("BEHALF_SLACK_API_URL", slackUrl);
        env.put("BEHALF_SLACK_BOT_TOKEN", LocalStack.SLACK_BOT_TOKEN);
        env.put("BEHALF_SLACK_SIGNING_SECRET", LocalStack.SLACK_SIGNING_SECRET);
        env.put("BEHALF_SLACK_SECURITY_CHANNEL", LocalStack.SECURITY_CHANNEL);
        env.put("BEHALF_ZENDESK_WEBHOOK_SECRET", LocalStack.ZENDESK_SECRET);
        env.put("BEHALF_AUDIT_CHECKPOINT_PRIVATE_KEY", keys.checkpointPrivateKey);
        env.put("BEHALF_AUDIT_CHECKPOINT_PUBLIC_KEY", keys.checkpointPublicKey);
        env.putAll(extraEnv.getOrDefault(service, Map.of()));
        env.putAll(thisStart);
        services.put(service, ServiceProcess.start(service, port(service), jar(service), jvmOptions, env, log));
    }

    /** The launcher's JVM options for a service as a reader would type them (the archive by its file name). */
    public List<String> launcherOptions(String service) {
        String archive = "-XX:SharedArchiveFile=";
        return ServiceProcess.jvmOptions(jar(service)).stream()
                .map(o -> o.startsWith(archive) ? archive + Path.of(o.substring(archive.length())).getFileName() : o)
                .toList();
    }

    private Path jar(String service) {
        Path module = STACK_FLOOR.equals(service) ? root.resolve("bench").resolve(service) : root.resolve(service);
        return module.resolve("target/quarkus-app/quarkus-run.jar");
    }

    public boolean awaitReady(String service, Duration within) {
        return services.get(service).awaitReady(within);
    }

    public void stop(String service) {
        ServiceProcess process = services.remove(service);
        if (process != null) {
            process.stop();
        }
    }

    /**
     * Moves a stopped service's consumer group past everything on {@code topic}: records a benchmark put there for
     * another service are not this one's work, and draining them would load the next benchmark.
     */
    public void skipToEnd(String group, String topic) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = EmbeddedKafka.admin(bootstrap)) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                    org.apache.kafka.clients.admin.OffsetSpec.latest()));
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) ->
                    ends.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, ends).all().get();
        }
    }

    /** Drops and recreates a stopped service's database: its next start migrates an empty one. */
    public void resetDatabase(String service) throws java.sql.SQLException {
        String db = service.replace('-', '_');
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(serverJdbc, EmbeddedPostgresServer.USER,
                EmbeddedPostgresServer.PASSWORD); java.sql.Statement s = c.createStatement()) {
            s.execute("drop database if exists " + db + " with (force)");
        }
        EmbeddedPostgresServer.createDatabase(serverJdbc, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD, db);
    }

    public long pid(String service) {
        return services.get(service).pid();
    }

    public int port(String service) {
        return apps.get(service);
    }

    public List<String> serviceNames() {
        return List.copyOf(ports.services().keySet());
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public String jdbcUrl(String service) {
        return databases.get(service);
    }

    public String token(String user, String role) {
        return keys.token(user, role);
    }

    public static String auditStreamToken() {
        return LocalStack.AUDIT_STREAM_TOKEN;
    }

    @Override
    public synchronized void close() {
        new ArrayList<>(services.values()).forEach(ServiceProcess::signal);
        new ArrayList<>(services.keySet()).forEach(this::stop);
        List<AutoCloseable> reversed = new ArrayList<>(infrastructure);
        java.util.Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
        infrastructure.clear();
    }
}
