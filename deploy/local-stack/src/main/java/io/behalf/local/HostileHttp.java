package io.behalf.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.behalf.web.Signatures;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Calls the running services as an attacker would: every operation of every OpenAPI document without a token, with
 * a token of no Behalf role, an expired one and one signed by another key; bodies over 1 MiB; the signed receivers
 * with forged, stale or missing signatures; injection strings in every query parameter. Every call that carries a
 * payload names {@link #MARK}, so that the suite can later prove none of it was published.
 */
final class HostileHttp {

    static final String MARK = "HOSTILE-";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The signed receivers refuse a caller without the signature; every other operation needs a bearer token. */
    private static final Set<String> SIGNED = Set.of("/webhooks/zendesk", "/gitlab/audit-events", "/slack/interactions");
    private static final List<String> INJECTIONS = List.of("' OR '1'='1", "1; DROP TABLE consent; --",
            "../../etc/passwd", "<script>alert(1)</script>", "%00", "${jndi:ldap://127.0.0.1/x}", "-1",
            "99999999999999999999", MARK + "')--");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final LocalStack stack;
    int requests;
    int operations;
    final List<String> problems = new ArrayList<>();

    HostileHttp(LocalStack stack) {
        this.stack = stack;
    }

    HostileHttp run() throws Exception {
        LocalKeys keys = stack.keys();
        String noRole = keys.token("eve", "customer");
        String everyRole = keys.token("root", "support-engineer", "support-manager", "auditor");
        Set<String> roles = Set.of("support-engineer", "support-manager", "auditor");
        String expired = io.smallrye.jwt.build.Jwt.issuer(LocalKeys.ISSUER).upn("eve").groups(roles)
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600))
                .sign(io.smallrye.jwt.util.KeyUtils.decodePrivateKey(Files.readString(keys.jwtPrivateKey)));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String forged = io.smallrye.jwt.build.Jwt.issuer(LocalKeys.ISSUER).upn("eve").groups(roles).expiresIn(3600)
                .sign(rsa.generateKeyPair().getPrivate());
        String oversized = "{\"ticketId\":\"" + MARK + "big\",\"padding\":\"" + "x".repeat(1024 * 1024 + 1) + "\"}";

        for (int port : stack.ports().services().values()) {
            JsonNode doc = JSON.readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/q/openapi?format=json")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            for (var path : (Iterable<Map.Entry<String, JsonNode>>) () -> doc.path("paths").fields()) {
                for (var operation : (Iterable<Map.Entry<String, JsonNode>>) () -> path.getValue().fields()) {
                    String method = operation.getKey().toUpperCase();
                    if (!List.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) {
                        continue;
                    }
                    operations++;
                    String url = "http://127.0.0.1:" + port + path.getKey().replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
                    boolean signed = SIGNED.contains(path.getKey());
                    expect(method, url, null, "{}", 401);
                    if (!signed) {
                        expect(method, url, noRole, "{}", 403);
                        expect(method, url, expired, "{}", 401);
                        expect(method, url, forged, "{}", 401);
                    }
                    if (!method.equals("GET") && !method.equals("DELETE")) {
                        expect(method, url, signed ? null : everyRole, oversized, 413);
                    }
                    for (var parameter : operation.getValue().path("parameters")) {
                        if (!"query".equals(parameter.path("in").asText())) {
                            continue;
                        }
                        for (String hostile : INJECTIONS) {
                            String query = url + "?" + parameter.path("name").asText() + "="
                                    + URLEncoder.encode(hostile, StandardCharsets.UTF_8);
                            int status = send(method, query, everyRole, "{}", Map.of());
                            if (status >= 500) {
                                problems.add(method + " " + query + " answered " + status);
                            }
                        }
                    }
                }
            }
        }
        signedReceivers();
        return this;
    }

    /** Wrong, stale and replayed signatures on the three webhook receivers: 401, and nothing reaches a topic. */
    private void signedReceivers() throws Exception {
        int consent = stack.ports().consent();
        int impersonation = stack.ports().impersonation();
        String ticket = "{\"type\":\"ticket.opened\",\"ticketId\":\"" + MARK + "zendesk\",\"subject\":\"forged\"}";
        String now = Instant.now().toString();
        String wrong = Base64.getEncoder().encodeToString(Signatures.hmacSha256("not-the-secret", now + ticket));
        expectSigned("http://127.0.0.1:" + consent + "/webhooks/zendesk", ticket, "application/json",
                Map.of("X-Zendesk-Webhook-Signature", wrong, "X-Zendesk-Webhook-Signature-Timestamp", now), 401);
        String stale = Instant.now().minusSeconds(3600).toString();
        String staleSigned = Base64.getEncoder().encodeToString(
                Signatures.hmacSha256(LocalStack.ZENDESK_SECRET, stale + ticket));
        expectSigned("http://127.0.0.1:" + consent + "/webhooks/zendesk", ticket, "application/json",
                Map.of("X-Zendesk-Webhook-Signature", staleSigned, "X-Zendesk-Webhook-Signature-Timestamp", stale), 401);

        String stream = "{\"id\":\"" + MARK + "stream\",\"event_type\":\"user_impersonation\",\"author_id\":1,"
                + "\"target_id\":4711,\"details\":{\"custom_message\":\"Started Impersonation\"}}";
        expectSigned("http://127.0.0.1:" + impersonation + "/gitlab/audit-events", stream, "application/json",
                Map.of("X-Gitlab-Event-Streaming-Token", "not-the-token"), 401);
        expectSigned("http://127.0.0.1:" + impersonation + "/gitlab/audit-events", stream, "application/json",
                Map.of("X-Gitlab-Event-Streaming-Token", LocalStack.AUDIT_STREAM_TOKEN + "x"), 401);

        String press = "payload=" + URLEncoder.encode("{\"type\":\"block_actions\",\"user\":{\"id\":\"U0ROOT0001\"},"
                + "\"actions\":[{\"action_id\":\"confirm\",\"value\":\"" + MARK + "slack\"}]}", StandardCharsets.UTF_8);
        String ts = String.valueOf(Instant.now().getEpochSecond());
        String slack = "http://127.0.0.1:" + impersonation + "/slack/interactions";
        expectSigned(slack, press, "application/x-www-form-urlencoded", Map.of("X-Slack-Request-Timestamp", ts,
                "X-Slack-Signature", slackSignature("not-the-secret", ts, press)), 401);
        // a correctly signed request captured and replayed after Slack's five minutes
        String old = String.valueOf(Instant.now().getEpochSecond() - 360);
        expectSigned(slack, press, "application/x-www-form-urlencoded", Map.of("X-Slack-Request-Timestamp", old,
                "X-Slack-Signature", slackSignature(LocalStack.SLACK_SIGNING_SECRET, old, press)), 401);
        // the signature of one body on another
        expectSigned(slack, press + "&x=1", "application/x-www-form-urlencoded", Map.of("X-Slack-Request-Timestamp", ts,
                "X-Slack-Signature", slackSignature(LocalStack.SLACK_SIGNING_SECRET, ts, press)), 401);
    }

    private static String slackSignature(String secret, String ts, String body) {
        return "v0=" + Signatures.hex(Signatures.hmacSha256(secret, "v0:" + ts + ":" + body));
    }

    private void expectSigned(String url, String body, String contentType, Map<String, String> headers, int expected)
            throws Exception {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Content-Type", contentType);
        int status = send("POST", url, null, body, all);
        if (status != expected) {
            problems.add("POST " + url + " with " + headers.keySet() + " answered " + status + ", expected " + expected);
        }
    }

    private void expect(String method, String url, String token, String body, int expected) throws Exception {
        int status = send(method, url, token, body, Map.of());
        if (status != expected) {
            problems.add(method + " " + url + (token == null ? " without a token" : " with a token") + " and a "
                    + body.length() + "-character body answered " + status + ", expected " + expected);
        }
    }

    private int send(String method, String url, String token, String body, Map<String, String> headers) throws Exception {
        requests++;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::setHeader);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        // as a well-behaved client sends a large body: the server may refuse it before a byte of it is sent
        request.expectContinue(body.length() > 64 * 1024);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            problems.add(method + " " + url + " failed: " + e);
            return -1;
        }
    }
}
