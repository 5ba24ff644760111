package io.behalf.impersonation.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.behalf.web.ProblemException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * One event of GitLab's audit-event stream, reduced to what an impersonation needs. The author is the admin,
 * the target the impersonated user; several fields appear either at the top level or under {@code details}
 * depending on the GitLab version, so both places are read.
 */
public record GitLabAuditEvent(String id, String eventType, String customMessage, String authorId, String authorName,
        String authorEmail, String targetId, String targetName, String ip, Instant createdAt) {

    public static final String IMPERSONATION = "user_impersonation";
    public static final String STARTED = "Started Impersonation";
    public static final String STOPPED = "Stopped Impersonation";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * GitLab posts JSON, in some versions labelled {@code application/x-www-form-urlencoded}; a relay may also
     * wrap it as a form field {@code payload} or url-encode the whole document. All of these are read.
     */
    public static GitLabAuditEvent parse(String contentType, String body) {
        String text = body == null ? "" : body.trim();
        if (!text.startsWith("{") && contentType != null
                && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            text = formPayload(text);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (Exception e) {
            throw ProblemException.badRequest("the audit event is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw ProblemException.badRequest("the audit event is not a JSON object");
        }
        JsonNode details = root.path("details");
        String id = text(root, details, "id");
        if (id == null) {
            throw ProblemException.badRequest("the audit event has no id");
        }
        return new GitLabAuditEvent(id, text(root, details, "event_type"), details.path("custom_message").asText(null),
                text(root, details, "author_id"), text(root, details, "author_name"),
                text(root, details, "author_email"), text(root, details, "target_id"),
                firstOf(text(root, details, "target_details"), text(root, details, "entity_path")),
                text(root, details, "ip_address"), time(text(root, details, "created_at")));
    }

    public boolean isImpersonation() {
        return IMPERSONATION.equals(eventType);
    }

    /** The fields an impersonation event cannot do without; null when all are there. */
    public String missingForImpersonation() {
        if (authorId == null) {
            return "author_id";
        }
        if (targetId == null) {
            return "target_id";
        }
        if (createdAt == null) {
            return "created_at";
        }
        return null;
    }

    private static String formPayload(String form) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && "payload".equals(pair.substring(0, eq))) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return URLDecoder.decode(form, StandardCharsets.UTF_8);
    }

    private static String text(JsonNode root, JsonNode details, String field) {
        JsonNode value = root.hasNonNull(field) ? root.get(field) : details.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }

    private static String firstOf(String a, String b) {
        return a != null ? a : b;
    }

    private static Instant time(String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("created_at is not an ISO 8601 time");
        }
    }
}
