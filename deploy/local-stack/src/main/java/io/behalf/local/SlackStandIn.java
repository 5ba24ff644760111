package io.behalf.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.behalf.web.Signatures;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A STAND-IN for the Slack Web API calls Behalf makes (users.lookupByEmail, conversations.open, chat.postMessage,
 * chat.update) that records the DMs and alerts, shows them on a small page at {@code /}, and lets a person press
 * their buttons: the press is sent to the service as a correctly signed interaction, as Slack would send it.
 * Used by the local stack only; BEHALF_SLACK_API_URL points the services at the real Slack.
 */
final class SlackStandIn extends StandInServer {

    static final class SlackMessage {
        final String channel;
        final String ts;
        volatile String text;
        volatile JsonNode blocks;
        volatile JsonNode metadata;
        final List<String> updates = new java.util.concurrent.CopyOnWriteArrayList<>();

        SlackMessage(String channel, String ts, String text, JsonNode blocks) {
            this.channel = channel;
            this.ts = ts;
            this.text = text;
            this.blocks = blocks;
        }
    }

    private final String botToken;
    private final String signingSecret;
    private final URI interactionsUrl;
    /** email → Slack user id of the workspace members the stand-in knows */
    private final Map<String, String> members = new LinkedHashMap<>();
    final Map<String, SlackMessage> messages = new LinkedHashMap<>();
    private final AtomicLong clock = new AtomicLong(Instant.now().getEpochSecond() * 1_000_000);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    SlackStandIn(int port, String botToken, String signingSecret, URI interactionsUrl, PrintStream log) {
        super(port, log);
        this.botToken = botToken;
        this.signingSecret = signingSecret;
        this.interactionsUrl = interactionsUrl;
        members.put("admin@gitlab.example", "U0ROOT0001");
        members.put("bob.admin@gitlab.example", "U0BOB00002");
    }

    @Override
    protected void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = body(exchange);
        if (path.startsWith("/api/")) {
            api(exchange, path.substring("/api/".length()), body);
        } else if (path.startsWith("/response/")) {
            JsonNode update = JSON.readTree(body);
            synchronized (this) {
                SlackMessage m = messages.get(path.substring("/response/".length()));
                if (m != null) {
                    m.text = update.path("text").asText(m.text);
                    if (update.has("blocks")) {
                        m.blocks = update.get("blocks");
                    }
                    m.updates.add(m.text);
                    note("response_url update " + m.ts + ": " + m.text);
                }
            }
            json(exchange, 200, Map.of("ok", true));
        } else if (path.equals("/press") && exchange.getRequestMethod().equals("POST")) {
            Map<String, String> form = form(body);
            String result = press(form.get("ts"), form.get("action_id"), form.get("as"));
            respond(exchange, 200, "text/html", "<p>" + escape(result) + "</p><p><a href='/'>back</a></p>");
        } else if (path.equals("/_messages")) {
            synchronized (this) {
                json(exchange, 200, messages.values().stream().map(m -> Map.of("channel", m.channel, "ts", m.ts,
                        "text", m.text, "updates", m.updates)).toList());
            }
        } else {
            respond(exchange, 200, "text/html; charset=utf-8", page());
        }
    }

    private void api(HttpExchange exchange, String method, String body) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        Map<String, String> params = parameters(exchange, body);
        if (!("Bearer " + botToken).equals(auth) && !botToken.equals(params.get("token"))) {
            json(exchange, 200, Map.of("ok", false, "error", "invalid_auth"));
            return;
        }
        switch (method) {
            case "users.lookupByEmail" -> {
                String id = members.get(params.getOrDefault("email", "").toLowerCase());
                json(exchange, 200, id == null ? Map.of("ok", false, "error", "users_not_found")
                        : Map.of("ok", true, "user", Map.of("id", id, "name", params.get("email"))));
            }
            case "conversations.open" -> json(exchange, 200,
                    Map.of("ok", true, "channel", Map.of("id", "D" + params.getOrDefault("users", "X").replace("U", ""))));
            case "chat.postMessage" -> {
                String ts = nextTs();
                JsonNode blocks = params.containsKey("blocks") ? JSON.readTree(params.get("blocks")) : JSON.createArrayNode();
                SlackMessage posted = new SlackMessage(params.get("channel"), ts, params.getOrDefault("text", ""), blocks);
                posted.metadata = params.containsKey("metadata") ? JSON.readTree(params.get("metadata")) : null;
                synchronized (this) {
                    messages.put(ts, posted);
                }
                note("message to " + params.get("channel") + " (ts " + ts + "): " + params.getOrDefault("text", ""));
                json(exchange, 200, Map.of("ok", true, "channel", params.get("channel"), "ts", ts));
            }
            case "chat.update" -> {
                synchronized (this) {
                    SlackMessage m = messages.get(params.get("ts"));
                    if (m == null) {
                        json(exchange, 200, Map.of("ok", false, "error", "message_not_found"));
                        return;
                    }
                    m.text = params.getOrDefault("text", m.text);
                    if (params.containsKey("blocks")) {
                        m.blocks = JSON.readTree(params.get("blocks"));
                    }
                    m.updates.add(m.text);
                }
                note("chat.update " + params.get("ts") + ": " + params.getOrDefault("text", ""));
                json(exchange, 200, Map.of("ok", true, "channel", params.get("channel"), "ts", params.get("ts")));
            }
            case "conversations.history" -> {
                ArrayNode found = JSON.createArrayNode();
                synchronized (this) {
                    for (SlackMessage m : messages.values()) {
                        if (m.channel.equals(params.get("channel"))) {
                            ObjectNode message = found.addObject().put("type", "message").put("ts", m.ts).put("text", m.text);
                            if (m.metadata != null) {
                                message.set("metadata", m.metadata);
                            }
                        }
                    }
                }
                ObjectNode answer = JSON.createObjectNode().put("ok", true).put("has_more", false);
                answer.set("messages", found);
                json(exchange, 200, answer);
            }
            default -> json(exchange, 200, Map.of("ok", false, "error", "unknown_method"));
        }
    }

    /**
     * Presses a button of a recorded message as {@code asUser} (default: the DM's recipient) and returns what the
     * service answered.
     */
    String press(String ts, String actionId, String asUser) {
        ObjectNode payload;
        String signatureTs = String.valueOf(Instant.now().getEpochSecond());
        synchronized (this) {
            SlackMessage m = messages.get(ts);
            if (m == null) {
                return "no message with ts " + ts;
            }
            JsonNode button = findButton(m.blocks, actionId);
            if (button == null) {
                return "message " + ts + " has no button " + actionId;
            }
            String user = asUser != null && !asUser.isBlank() ? asUser : "U" + m.channel.substring(1);
            payload = JSON.createObjectNode();
            payload.put("type", "block_actions");
            payload.putObject("user").put("id", user).put("username", user).put("team_id", "T0BEHALF");
            payload.put("api_app_id", "A0BEHALF");
            payload.putObject("team").put("id", "T0BEHALF").put("domain", "behalf-local");
            payload.putObject("container").put("type", "message").put("message_ts", m.ts).put("channel_id", m.channel)
                    .put("is_ephemeral", false);
            payload.putObject("channel").put("id", m.channel).put("name", "directmessage");
            ObjectNode message = payload.putObject("message");
            message.put("ts", m.ts).put("text", m.text).set("blocks", m.blocks);
            payload.put("trigger_id", m.ts + "." + signatureTs);
            payload.put("response_url", "http://127.0.0.1:" + port() + "/response/" + m.ts);
            ArrayNode actions = payload.putArray("actions");
            ObjectNode action = actions.addObject();
            action.put("type", "button").put("action_id", button.path("action_id").asText())
                    .put("block_id", button.path("block_id").asText("")).put("value", button.path("value").asText())
                    .put("action_ts", signatureTs + ".000001");
            action.set("text", button.path("text"));
        }
        String body = "payload=" + URLEncoder.encode(payload.toString(), StandardCharsets.UTF_8);
        String signature = "v0=" + Signatures.hex(Signatures.hmacSha256(signingSecret, "v0:" + signatureTs + ":" + body));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(interactionsUrl)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Slack-Request-Timestamp", signatureTs)
                    .header("X-Slack-Signature", signature)
                    .timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            String result = "pressed " + actionId + " on " + ts + ": HTTP " + response.statusCode();
            note(result);
            return result;
        } catch (IOException e) {
            return "the service did not answer: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The first button of a message whose action_id (or, failing that, value or label) contains {@code wanted}. */
    static JsonNode findButton(JsonNode blocks, String wanted) {
        for (JsonNode block : blocks) {
            for (JsonNode element : block.path("elements")) {
                if ("button".equals(element.path("type").asText())) {
                    String label = element.path("text").path("text").asText("");
                    if (element.path("action_id").asText().equals(wanted) || element.path("value").asText().equals(wanted)
                            || label.equalsIgnoreCase(wanted)) {
                        ObjectNode copy = element.deepCopy();
                        copy.put("block_id", block.path("block_id").asText(""));
                        return copy;
                    }
                }
            }
        }
        return null;
    }

    synchronized List<SlackMessage> messages() {
        return List.copyOf(messages.values());
    }

    private String nextTs() {
        long micros = clock.incrementAndGet();
        return (micros / 1_000_000) + "." + String.format("%06d", micros % 1_000_000);
    }

    private void note(String what) {
        log.println(String.format("%-30s| ", "[slack stand-in]") + what);
    }

    private synchronized String page() {
        StringBuilder html = new StringBuilder("<!doctype html><meta charset='utf-8'><title>Slack stand-in</title>"
                + "<h1>Slack stand-in (local stack only)</h1><p>Messages Behalf sent, newest first. "
                + "Pressing a button sends a signed interaction to impersonation-alert-service.</p>");
        List<SlackMessage> all = new java.util.ArrayList<>(messages.values());
        java.util.Collections.reverse(all);
        for (SlackMessage m : all) {
            html.append("<div style='border:1px solid #ccc;margin:8px;padding:8px'><b>").append(escape(m.channel))
                    .append("</b> ts ").append(escape(m.ts)).append("<pre>").append(escape(m.text)).append("</pre>");
            for (JsonNode block : m.blocks) {
                for (JsonNode element : block.path("elements")) {
                    if ("button".equals(element.path("type").asText())) {
                        html.append("<form method='post' action='/press' style='display:inline'>")
                                .append("<input type='hidden' name='ts' value='").append(escape(m.ts)).append("'>")
                                .append("<input type='hidden' name='action_id' value='")
                                .append(escape(element.path("action_id").asText())).append("'>")
                                .append("<button>").append(escape(element.path("text").path("text").asText())).append("</button></form> ");
                    }
                }
            }
            html.append("</div>");
        }
        return html.toString();
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
