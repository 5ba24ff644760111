package io.behalf.impersonation.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.behalf.web.ProblemException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The part of a Slack {@code block_actions} interaction this service acts on: who pressed which button on what. */
public record ButtonPress(String slackUserId, String actionId, String impersonationId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the form body Slack posts ({@code payload=<url-encoded JSON>}); empty for interactions that are not ours. */
    public static Optional<ButtonPress> parse(String formBody) {
        String payload = null;
        for (String pair : formBody == null ? new String[0] : formBody.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && "payload".equals(pair.substring(0, eq))) {
                payload = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        if (payload == null) {
            throw ProblemException.badRequest("no interaction payload");
        }
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (Exception e) {
            throw ProblemException.badRequest("the interaction payload is not JSON");
        }
        if (!"block_actions".equals(root.path("type").asText())) {
            return Optional.empty();
        }
        String user = root.path("user").path("id").asText(null);
        JsonNode action = root.path("actions").path(0);
        String actionId = action.path("action_id").asText(null);
        String value = action.path("value").asText(null);
        if (user == null || actionId == null || value == null) {
            throw ProblemException.badRequest("the interaction names no user, action or value");
        }
        if (!SlackMessages.CONFIRM_ACTION.equals(actionId) && !SlackMessages.DISPUTE_ACTION.equals(actionId)) {
            return Optional.empty();
        }
        return Optional.of(new ButtonPress(user, actionId, value));
    }

    public boolean confirms() {
        return SlackMessages.CONFIRM_ACTION.equals(actionId);
    }
}
