package io.behalf.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole system as it runs in production: the packaged services as separate JVMs on a real broker and
 * PostgreSQL, started with the local stack's launcher, driven only through topics and HTTP.
 */
class WholeSystemTest {

    private static LocalStack stack;
    private static Ports ports;
    private static PrintStream log;

    @BeforeAll
    static void startTheStack() throws IOException {
        Path root = Path.of(System.getProperty("behalf.root", "../..")).toAbsolutePath().normalize();
        // a fresh broker, database and stand-ins every run: the story assumes nothing happened before it
        Path data = Path.of("target", "stack-" + System.currentTimeMillis()).toAbsolutePath();
        Files.createDirectories(data);
        log = new PrintStream(new FileOutputStream(data.resolve("stack.log").toFile()), true, StandardCharsets.UTF_8);
        ports = Ports.free();
        stack = new LocalStack(root, data, ports, log);
        stack.start();
    }

    @AfterAll
    static void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
        if (log != null) {
            log.close();
        }
    }

    /** The signed receivers refuse a caller without the signature; every other operation needs a bearer token. */
    private static final java.util.Set<String> SIGNED = java.util.Set.of("/webhooks/zendesk", "/gitlab/audit-events",
            "/slack/interactions");
    private static final List<String> INJECTIONS = List.of("' OR '1'='1", "1; DROP TABLE consent; --",
            "../../etc/passwd", "<script>alert(1)</script>", "%00", "${jndi:ldap://127.0.0.1/x}", "-1", "99999999999999999999");

    /**
     * Every operation each service's OpenAPI document lists, called as an attacker would: no token (401), a token
     * without a Behalf role (403), an expired token and one signed by another key (401), and every query parameter
     * filled with injection strings by a caller holding every role (never a 500).
     */
    @Test
    void everyOperationRefusesCallersWithoutTheRightTokenAndSurvivesHostileParameters() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        LocalKeys keys = stack.keys();
        String noRole = keys.token("eve", "customer");
        String everyRole = keys.token("root", "support-engineer", "support-manager", "auditor");
        String expired = io.smallrye.jwt.build.Jwt.issuer(LocalKeys.ISSUER).upn("eve").groups(java.util.Set.of(
                "support-engineer", "support-manager", "auditor")).issuedAt(java.time.Instant.now().minusSeconds(7200))
                .expiresAt(java.time.Instant.now().minusSeconds(3600))
                .sign(io.smallrye.jwt.util.KeyUtils.decodePrivateKey(Files.readString(keys.jwtPrivateKey)));
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String forged = io.smallrye.jwt.build.Jwt.issuer(LocalKeys.ISSUER).upn("eve").groups(java.util.Set.of(
                "support-engineer", "support-manager", "auditor")).expiresIn(3600).sign(rsa.generateKeyPair().getPrivate());

        List<String> problems = new java.util.ArrayList<>();
        int operations = 0;
        for (int port : ports.services().values()) {
            var doc = json.readTree(http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/q/openapi?format=json")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            for (var path : (Iterable<java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>)
                    () -> doc.path("paths").fields()) {
                for (var operation : (Iterable<java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>)
                        () -> path.getValue().fields()) {
                    String method = operation.getKey().toUpperCase();
                    if (!List.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) {
                        continue;
                    }
                    operations++;
                    String url = "http://127.0.0.1:" + port + path.getKey().replaceAll("\\{[^}]+}",
                            java.util.UUID.randomUUID().toString());
                    boolean signed = SIGNED.contains(path.getKey());
                    expect(http, method, url, null, 401, problems);
                    if (!signed) {
                        expect(http, method, url, noRole, 403, problems);
                        expect(http, method, url, expired, 401, problems);
                        expect(http, method, url, forged, 401, problems);
                    }
                    for (var parameter : operation.getValue().path("parameters")) {
                        if (!"query".equals(parameter.path("in").asText())) {
                            continue;
                        }
                        for (String hostile : INJECTIONS) {
                            String query = url + "?" + parameter.path("name").asText() + "="
                                    + java.net.URLEncoder.encode(hostile, StandardCharsets.UTF_8);
                            int status = send(http, method, query, everyRole);
                            if (status >= 500) {
                                problems.add(method + " " + query + " answered " + status);
                            }
                        }
                    }
                }
            }
        }
        assertThat(operations).as("operations found in the OpenAPI documents").isGreaterThanOrEqualTo(15);
        assertThat(problems).isEmpty();
    }

    private static void expect(java.net.http.HttpClient http, String method, String url, String token, int expected,
            List<String> problems) throws Exception {
        int status = send(http, method, url, token);
        if (status != expected) {
            problems.add(method + " " + url + (token == null ? " without a token" : " with a bad token") + " answered "
                    + status + ", expected " + expected);
        }
    }

    private static int send(java.net.http.HttpClient http, String method, String url, String token) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Content-Type", "application/json")
                .method(method, method.equals("GET") || method.equals("DELETE")
                        ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString("{}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theSampleStoryPlaysEndToEndAndTheAuditChainHoldsIt() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> timeline;
        try (Scenario scenario = new Scenario(stack.keys(), ports, stack.bootstrapServers(),
                new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            scenario.play();
            timeline = scenario.timeline;
        } finally {
            System.out.println(printed.toString(StandardCharsets.UTF_8));
        }
        assertThat(String.join("\n", timeline))
                .contains("Replying in this ticket stating you provide permission will be sufficient.")
                .contains("-> ignored")
                .contains("granted")
                .contains("allowed=true")
                .contains("johndoe@example.com -> johndoe+release@example.com")
                .contains("downloaded data must be deleted by")
                .contains("consents of the ticket ended (TICKET_SOLVED)")
                .contains("impersonation confirmed by Slack user")
                .contains("escalated to the security channel")
                .contains("audit chain verified: ok=true");
    }
}
