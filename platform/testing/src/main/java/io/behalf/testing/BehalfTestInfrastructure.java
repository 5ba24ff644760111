package io.behalf.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Gives every test a real Apache Kafka broker and a real PostgreSQL. Use it with
 * {@code @WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)}.
 * <p>
 * Kafka: an in-process KRaft broker with every topic of DESIGN.md, unless {@code KAFKA_BOOTSTRAP_SERVERS} names
 * one. PostgreSQL: an embedded server, unless {@code BEHALF_TEST_JDBC_URL} (with {@code BEHALF_TEST_JDBC_USER} and
 * {@code BEHALF_TEST_JDBC_PASSWORD}) names one; either way the service gets a database of its own, named after
 * the module ({@code consent-service} → {@code consent_service}). With {@code -Dbehalf.test.postgres=testcontainers}
 * (or {@code BEHALF_TEST_POSTGRES=testcontainers}) and a Docker engine, Testcontainers' PostgreSQL is used.
 * <p>
 * Both servers live as long as the test JVM: Quarkus may restart the application between test classes, and
 * tests that stop and restart the application (outbox, relay) rely on the data surviving.
 */
public class BehalfTestInfrastructure implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedKafka kafka;
    private static EmbeddedPostgresServer postgres;
    private static PostgreSQLContainer container;
    private static String bootstrapServers;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", bootstrapServers());
        for (String category : QuietLogs.CATEGORIES) {
            config.put("quarkus.log.category.\"" + category + "\".level", "WARN");
        }
        String database = databaseName();
        String serverUrl = System.getenv("BEHALF_TEST_JDBC_URL");
        if ("testcontainers".equals(System.getProperty("behalf.test.postgres", System.getenv("BEHALF_TEST_POSTGRES")))) {
            PostgreSQLContainer container = container();
            EmbeddedPostgresServer.createDatabase(container.getJdbcUrl(), container.getUsername(),
                    container.getPassword(), database);
            config.put("quarkus.datasource.jdbc.url", container.getJdbcUrl().replaceFirst("/[^/?]*(\\?|$)", "/" + database + "$1"));
            config.put("quarkus.datasource.username", container.getUsername());
            config.put("quarkus.datasource.password", container.getPassword());
        } else if (serverUrl != null && !serverUrl.isBlank()) {
            String user = System.getenv().getOrDefault("BEHALF_TEST_JDBC_USER", "postgres");
            String password = System.getenv().getOrDefault("BEHALF_TEST_JDBC_PASSWORD", "postgres");
            EmbeddedPostgresServer.createDatabase(serverUrl, user, password, database);
            config.put("quarkus.datasource.jdbc.url", serverUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + database + "$1"));
            config.put("quarkus.datasource.username", user);
            config.put("quarkus.datasource.password", password);
        } else {
            EmbeddedPostgresServer pg = postgres();
            pg.createDatabase(database);
            config.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(database));
            config.put("quarkus.datasource.username", EmbeddedPostgresServer.USER);
            config.put("quarkus.datasource.password", EmbeddedPostgresServer.PASSWORD);
        }
        return config;
    }

    @Override
    public void stop() {
        // the servers outlive one application start; a shutdown hook ends them with the JVM
    }

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
            if (external != null && !external.isBlank()) {
                bootstrapServers = external;
            } else {
                kafka = EmbeddedKafka.start(Path.of("target", "kafka-" + UUID.randomUUID()), 0);
                bootstrapServers = kafka.bootstrapServers();
                Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-stop"));
            }
            EmbeddedKafka.createTopics(bootstrapServers, EmbeddedKafka.LOCAL_PARTITIONS);
        }
        return bootstrapServers;
    }

    private static synchronized PostgreSQLContainer container() {
        if (container == null) {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                throw new IllegalStateException("behalf.test.postgres=testcontainers needs a Docker engine, and none answers");
            }
            container = new PostgreSQLContainer("postgres:17-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "testcontainers-postgres-stop"));
        }
        return container;
    }

    private static synchronized EmbeddedPostgresServer postgres() {
        if (postgres == null) {
            postgres = EmbeddedPostgresServer.start(Path.of("target", "postgres-" + UUID.randomUUID()), 0, true);
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "embedded-postgres-stop"));
        }
        return postgres;
    }

    static String databaseName() {
        String module = Path.of("").toAbsolutePath().getFileName().toString();
        return module.toLowerCase().replaceAll("[^a-z0-9]+", "_");
    }
}
