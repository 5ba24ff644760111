package io.behalf.impersonation;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.restassured.response.ValidatableResponse;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.ConfigProvider;

/** The Slack side of the tests: the stub's recorded Web API calls, and signed button presses as Slack sends them. */
public final class TestSlack {

    public static final String SIGNING_SECRET = "test-slack-signing-secret";
    public static final String BOT_TOKEN = "xoxb-test-bot-token";
    public static final String SECURITY_CHANNEL = "C0SECURITY";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestSlack() {
    }

    /** An admin known to GitLab and Slack; each test makes its own so that recorded calls never mix. */
    public record Admin(String gitlabUserId, String username, String email, String slackUserId, String channel) {
    }

    public static WireMock stub() {
        URI api = URI.create(ConfigProvider.getConfig().getValue("behalf.slack.api-url", String.class));
        return new WireMock(api.getHost(), api.getPort());
    }

    /** Registers the admin in the stub: users.lookupByEmail finds them, conversations.open gives their DM channel. */
    public static Admin newAdmin() {
        String n = UUID.randomUUID().toString().substring(0, 8);
        Admin admin = new Admin("9" + Math.abs(n.hashCode() % 100000), "admin-" + n, "admin-" + n + "@example.com",
                "U" + n.toUpperCase(), "D" + n.toUpperCase());
        stub().register(post(urlEqualTo("/api/users.lookupByEmail")).withFormParam("email", equalTo(admin.email()))
                .willReturn(okJson("{\"ok\": true, \"user\": {\"id\": \"" + admin.slackUserId() + "\", \"name\": \""
                        + admin.username() + "\"}}")));
        stub().register(post(urlEqualTo("/api/conversations.open")).withFormParam("users", equalTo(admin.slackUserId()))
                .willReturn(okJson("{\"ok\": true, \"channel\": {\"id\": \"" + admin.channel() + "\"}}")));
        return admin;
    }

    /** Every recorded call of {@code method} whose form has all of {@code params}. */
    public static List<LoggedRequest> calls(String method, Map<String, String> params) {
        var pattern = postRequestedFor(urlEqualTo("/api/" + method));
        params.forEach((k, v) -> pattern.withFormParam(k, equalTo(v)));
        return stub().find(pattern);
    }

    public static List<LoggedRequest> securityAlertsAbout(String impersonationId) {
        return calls("chat.postMessage", Map.of("channel", SECURITY_CHANNEL)).stream()
                .filter(r -> form(r).get("blocks").contains(impersonationId)).toList();
    }

    public static Map<String, String> form(LoggedRequest request) {
        Map<String, String> form = new HashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    public static JsonNode blocks(LoggedRequest request) {
        try {
            return JSON.readTree(form(request).get("blocks"));
        } catch (Exception e) {
            throw new AssertionError("blocks are not JSON", e);
        }
    }

    /** The form body Slack posts when a button of our DM is pressed. */
    public static String pressBody(String impersonationId, String slackUserId, String actionId) {
        String payload = """
                {"type": "block_actions", "user": {"id": "%s", "username": "someone", "team_id": "T0TEST"},
                 "container": {"type": "message", "message_ts": "1764324000.000100"},
                 "trigger_id": "%s", "response_url": "https://hooks.slack.test/actions/1",
                 "actions": [{"type": "button", "action_id": "%s", "block_id": "impersonation:%s", "value": "%s",
                              "action_ts": "%s"}]}""".formatted(slackUserId, UUID.randomUUID(), actionId,
                impersonationId, impersonationId, System.nanoTime());
        return "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
    }

    public static ValidatableResponse press(String impersonationId, String slackUserId, String actionId) {
        String body = pressBody(impersonationId, slackUserId, actionId);
        long now = Instant.now().getEpochSecond();
        return send(body, Long.toString(now), sign(SIGNING_SECRET, now, body));
    }

    public static ValidatableResponse send(String body, String timestamp, String signature) {
        var request = given().contentType("application/x-www-form-urlencoded").body(body);
        if (timestamp != null) {
            request.header("X-Slack-Request-Timestamp", timestamp);
        }
        if (signature != null) {
            request.header("X-Slack-Signature", signature);
        }
        return request.post("/slack/interactions").then();
    }

    public static String sign(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "v0=" + HexFormat.of().formatHex(
                    mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
