package io.behalf.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What DESIGN.md asks of a deployment, in one place, so the compose file and the Kubernetes manifests
 * are held to the same list of services, ports and configuration keys.
 */
final class Expected {

    /** DESIGN.md's ports of the local stack; the deployments keep them. */
    static final Map<String, Integer> PORTS = Map.of(
            "consent-service", 8081,
            "email-release-service", 8082,
            "audit-service", 8083,
            "impersonation-alert-service", 8084);

    /** Configuration every service needs (DESIGN.md "Configuration"), as environment variables. */
    static final List<String> COMMON_KEYS = List.of(
            "KAFKA_BOOTSTRAP_SERVERS",
            "QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD",
            "MP_JWT_VERIFY_PUBLICKEY_LOCATION", "MP_JWT_VERIFY_ISSUER");

    /** Configuration of each service's own outside systems. */
    static final Map<String, List<String>> SERVICE_KEYS = Map.of(
            "consent-service", List.of("BEHALF_GITLAB_URL", "BEHALF_GITLAB_TOKEN", "BEHALF_ZENDESK_WEBHOOK_SECRET"),
            "email-release-service", List.of("BEHALF_GITLAB_URL", "BEHALF_GITLAB_TOKEN"),
            "audit-service", List.of("BEHALF_AUDIT_CHECKPOINT_PRIVATE_KEY"),
            "impersonation-alert-service", List.of("BEHALF_GITLAB_AUDIT_STREAM_TOKEN",
                    "BEHALF_SLACK_API_URL", "BEHALF_SLACK_BOT_TOKEN", "BEHALF_SLACK_SIGNING_SECRET",
                    "BEHALF_SLACK_SECURITY_CHANNEL"));

    /** Keys whose values are secrets: never a literal value in a committed file. */
    static final Set<String> SECRET_KEYS = Set.of(
            "QUARKUS_DATASOURCE_PASSWORD", "BEHALF_GITLAB_TOKEN", "BEHALF_GITLAB_AUDIT_STREAM_TOKEN",
            "BEHALF_SLACK_BOT_TOKEN", "BEHALF_SLACK_SIGNING_SECRET", "BEHALF_ZENDESK_WEBHOOK_SECRET",
            "BEHALF_AUDIT_CHECKPOINT_PRIVATE_KEY");

    private Expected() {
    }

    static Set<String> keysOf(String service) {
        var keys = new TreeSet<>(COMMON_KEYS);
        keys.addAll(SERVICE_KEYS.get(service));
        return keys;
    }

    /** deploy/manifest-tests, where Maven runs the tests; the files under test are beside it. */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    }

    static Path deployDir() {
        Path deploy = moduleDir().getParent();
        if (!Files.isRegularFile(deploy.resolve("docker-compose.yml"))) {
            throw new IllegalStateException("no docker-compose.yml in " + deploy + ": run the tests from deploy/manifest-tests");
        }
        return deploy;
    }

    static Path repoDir() {
        return deployDir().getParent();
    }
}
