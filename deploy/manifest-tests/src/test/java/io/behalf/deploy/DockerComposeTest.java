package io.behalf.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.behalf.events.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/docker-compose.yml read as plain YAML, the way compose reads it, against DESIGN.md and issue 7. */
class DockerComposeTest {
    static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):\\?[^}]*}");
    static final Pattern ANY_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:?[-?][^}]*)?}");

    static Path deploy;
    static JsonNode compose;
    static JsonNode services;

    /** The compose file without its comments (compose interpolates no variable in a comment). */
    static String composeText() throws IOException {
        return String.join("\n", Files.readAllLines(deploy.resolve("docker-compose.yml")).stream()
                .filter(l -> !l.trim().startsWith("#")).toList());
    }

    @BeforeAll
    static void load() throws IOException {
        deploy = Expected.deployDir();
        compose = new YAMLMapper().readTree(deploy.resolve("docker-compose.yml").toFile());
        services = compose.path("services");
    }

    static List<String> services() {
        return Topics.SERVICES;
    }

    @Test
    void theStackIsKafkaTopicInitPostgresAndTheFourServices() {
        var names = new TreeSet<String>();
        services.fieldNames().forEachRemaining(names::add);
        var expected = new TreeSet<>(List.of("kafka", "topic-init", "postgres"));
        expected.addAll(services());
        assertThat(names).isEqualTo(expected);
    }

    @Test
    void kafkaRunsInKraftModeWithoutAutoCreatedTopics() {
        JsonNode kafka = services.path("kafka");
        assertThat(kafka.path("image").asText()).startsWith("apache/kafka:4.");
        Map<String, String> env = environment(kafka);
        assertThat(env.get("KAFKA_PROCESS_ROLES")).contains("broker").contains("controller");
        assertThat(env).containsKey("KAFKA_CONTROLLER_QUORUM_VOTERS");
        assertThat(env.keySet()).noneMatch(k -> k.contains("ZOOKEEPER"));
        assertThat(env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).isEqualTo("false");
        // The services' bootstrap address is an advertised listener, else clients are sent elsewhere.
        assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).contains("://kafka:9092");
        assertThat(kafka.path("healthcheck").path("test").toString()).contains("kafka-broker-api-versions");
    }

    @Test
    void topicInitCreatesEveryTopicOfTheDesignWithSixPartitions() {
        JsonNode init = services.path("topic-init");
        assertThat(init.path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_healthy");
        Map<String, String> env = environment(init);
        var created = new TreeSet<>(Arrays.asList(env.get("TOPICS").trim().split("\\s+")));
        assertThat(created).containsExactlyInAnyOrderElementsOf(Topics.all());
        assertThat(Integer.parseInt(env.get("PARTITIONS"))).as("DESIGN.md: >= 6 partitions locally").isGreaterThanOrEqualTo(6);
        // The script really uses the list and the partition count ($$ is compose's escape for $).
        var script = new StringBuilder();
        init.path("entrypoint").forEach(n -> script.append(n.asText()).append('\n'));
        init.path("command").forEach(n -> script.append(n.asText()).append('\n'));
        assertThat(script.toString()).contains("kafka-topics.sh").contains("--create").contains("--if-not-exists")
                .contains("for topic in $$TOPICS").contains("--topic \"$$topic\"").contains("--partitions \"$$PARTITIONS\"");
        assertThat(init.path("restart").asText()).as("a one-shot must not be restarted").isEqualTo("no");
    }

    @Test
    void postgresIs17WithOneDatabasePerService() throws IOException {
        JsonNode pg = services.path("postgres");
        assertThat(pg.path("image").asText()).startsWith("postgres:17");
        assertThat(pg.path("healthcheck").path("test").toString()).contains("pg_isready");
        String mount = null;
        for (JsonNode v : pg.path("volumes")) {
            if (v.asText().contains("/docker-entrypoint-initdb.d/")) {
                mount = v.asText();
            }
        }
        assertThat(mount).as("init script mounted into /docker-entrypoint-initdb.d").isNotNull();
        Path sql = deploy.resolve(mount.split(":")[0]).normalize();
        assertThat(sql).isRegularFile();
        String script = Files.readString(sql);
        var databases = new HashSet<String>();
        Matcher m = Pattern.compile("(?i)CREATE\\s+DATABASE\\s+([a-z_]+)").matcher(script);
        while (m.find()) {
            databases.add(m.group(1));
        }
        var used = new ArrayList<String>();
        for (String service : services()) {
            String url = environment(services.path(service)).get("QUARKUS_DATASOURCE_JDBC_URL");
            assertThat(url).startsWith("jdbc:postgresql://postgres:5432/");
            used.add(url.substring(url.lastIndexOf('/') + 1));
        }
        assertThat(used).as("services never share a database").doesNotHaveDuplicates();
        assertThat(databases).containsAll(used);
    }

    @ParameterizedTest
    @MethodSource("services")
    void serviceIsBuiltFromItsModuleAndWaitsForItsDependencies(String service) {
        JsonNode s = services.path(service);
        Path context = deploy.resolve(s.path("build").path("context").asText()).normalize();
        assertThat(context).isEqualTo(Expected.repoDir().resolve(service));
        assertThat(s.path("build").path("dockerfile").asText()).isEqualTo("src/main/docker/Dockerfile.jvm");
        assertThat(context.resolve("src/main/docker/Dockerfile.jvm")).isRegularFile();

        JsonNode deps = s.path("depends_on");
        assertThat(deps.path("kafka").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(deps.path("postgres").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(deps.path("topic-init").path("condition").asText()).isEqualTo("service_completed_successfully");

        int port = Expected.PORTS.get(service);
        var ports = new ArrayList<String>();
        s.path("ports").forEach(p -> ports.add(p.asText()));
        assertThat(ports).contains(port + ":" + port);

        JsonNode health = s.path("healthcheck");
        assertThat(health.path("test").toString()).contains("http://localhost:" + port + "/q/health/ready");
        assertThat(health.path("interval").asText()).isNotEmpty();
        assertThat(health.path("retries").asInt()).isPositive();
    }

    @ParameterizedTest
    @MethodSource("services")
    void serviceEnvironmentNamesItsConfigurationAndHardCodesNoSecret(String service) {
        Map<String, String> env = environment(services.path(service));
        assertThat(env.keySet()).containsAll(Expected.keysOf(service));
        assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("kafka:9092");
        for (String key : Expected.SECRET_KEYS) {
            if (env.containsKey(key)) {
                // ${VAR:?message}: compose stops, naming the variable, when it is unset or empty.
                assertThat(env.get(key)).as("%s of %s comes from deploy/.env, required", key, service)
                        .matches(REQUIRED_VARIABLE);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void composePortIsTheServicesOwnDefaultPort(String service) throws IOException {
        // The health check and the port mapping assume the port the application listens on.
        var props = new Properties();
        try (var in = Files.newBufferedReader(Expected.repoDir().resolve(service).resolve("src/main/resources/application.properties"))) {
            props.load(in);
        }
        assertThat(props.getProperty("quarkus.http.port")).contains(String.valueOf(Expected.PORTS.get(service)));
    }

    @Test
    void envExampleDefinesEveryRequiredVariableWithPlaceholderSecrets() throws IOException {
        String text = composeText();
        var required = new TreeSet<String>();
        Matcher m = REQUIRED_VARIABLE.matcher(text);
        while (m.find()) {
            required.add(m.group(1));
        }
        assertThat(required).contains("POSTGRES_PASSWORD", "BEHALF_GITLAB_TOKEN", "BEHALF_SLACK_SIGNING_SECRET");

        var example = new HashMap<String, String>();
        for (String line : Files.readAllLines(deploy.resolve(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                example.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        // So `docker-compose --env-file deploy/.env.example -f deploy/docker-compose.yml config` resolves.
        assertThat(example.keySet()).containsAll(required);
        for (String key : Expected.SECRET_KEYS) {
            String var = key.equals("QUARKUS_DATASOURCE_PASSWORD") ? "POSTGRES_PASSWORD" : key;
            assertThat(example.get(var)).as("%s in .env.example is a placeholder", var).startsWith("REPLACE_ME");
        }
        // The real values file is never committed.
        assertThat(Files.readAllLines(deploy.resolve(".gitignore"))).contains(".env");
    }

    @Test
    void everyVariableIsWrittenInAFormComposeUnderstands() throws IOException {
        // A stray "$" would be interpolated by compose: shell variables are escaped as "$$".
        String text = composeText();
        Set<Integer> ok = new HashSet<>();
        Matcher var = ANY_VARIABLE.matcher(text);
        while (var.find()) {
            ok.add(var.start());
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '$') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '$') {
                    i++;
                    continue;
                }
                int line = (int) text.substring(0, i).chars().filter(c -> c == '\n').count() + 1;
                assertThat(ok).as("line %d: unescaped $ that is no ${VAR}, ${VAR:-x} or ${VAR:?x}", line).contains(i);
            }
        }
    }

    static Map<String, String> environment(JsonNode service) {
        var env = new HashMap<String, String>();
        JsonNode node = service.path("environment");
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        } else {
            for (JsonNode item : node) {
                String[] kv = item.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return env;
    }
}
