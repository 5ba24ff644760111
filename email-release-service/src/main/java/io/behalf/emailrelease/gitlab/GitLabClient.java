package io.behalf.emailrelease.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The few calls of GitLab's admin API an email release needs. 5xx, 429 and timeouts are retried here with a
 * growing pause; what still fails is a retryable {@link GitLabException} the caller schedules for later. A 4xx
 * is a final {@link GitLabException} carrying GitLab's message.
 */
@ApplicationScoped
public class GitLabClient {

    private static final Logger LOG = Logger.getLogger(GitLabClient.class);

    public record User(String id, String username, String email, String lastActivityOn, String namespaceId) {
    }

    public record Email(long id, String email) {
    }

    public enum AddResult {
        ADDED,
        /** GitLab says the address is already taken (by this account or another) */
        TAKEN
    }

    private final GitLabConfig config;
    private final ObjectMapper json;
    private final HttpClient http;

    public GitLabClient(GitLabConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
    }

    public User user(String userId) {
        JsonNode user = call("GET", "/users/" + segment(userId), null);
        return new User(text(user, "id"), text(user, "username"), text(user, "email"),
                text(user, "last_activity_on"), text(user, "namespace_id"));
    }

    /** True when the account has at least one event in its history (one is enough to know). */
    public boolean hasEvents(String userId) {
        JsonNode events = call("GET", "/users/" + segment(userId) + "/events?per_page=1", null);
        return events.isArray() && !events.isEmpty();
    }

    /** The namespace's {@code plan}, or null when GitLab does not name one. */
    public String namespacePlan(String namespaceId) {
        return text(call("GET", "/namespaces/" + segment(namespaceId), null), "plan");
    }

    public List<Email> emails(String userId) {
        List<Email> emails = new ArrayList<>();
        for (JsonNode e : call("GET", "/users/" + segment(userId) + "/emails", null)) {
            emails.add(new Email(e.path("id").asLong(), text(e, "email")));
        }
        return emails;
    }

    /** Adds a secondary address, already confirmed: the released address must never receive mail. */
    public AddResult addEmail(String userId, String email) {
        try {
            call("POST", "/users/" + segment(userId) + "/emails", Map.of("email", email, "skip_confirmation", true));
            return AddResult.ADDED;
        } catch (GitLabException e) {
            if (!e.retryable() && (e.status() == 400 || e.status() == 409 || e.status() == 422)
                    && e.gitLabMessage().contains("taken")) {
                return AddResult.TAKEN;
            }
            throw e;
        }
    }

    /** Makes an address that is already one of the user's secondary addresses the primary one. */
    public void setPrimaryEmail(String userId, String email) {
        call("PUT", "/users/" + segment(userId), Map.of("email", email, "skip_reconfirmation", true));
    }

    /** Deletes a secondary address; one that is gone already counts as deleted. */
    public void deleteEmail(String userId, long emailId) {
        try {
            call("DELETE", "/users/" + segment(userId) + "/emails/" + emailId, null);
        } catch (GitLabException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    private JsonNode call(String method, String pathAndQuery, Object body) {
        String request = method + " " + pathAndQuery.replaceFirst("\\?.*", "");
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(config.url() + pathAndQuery))
                .timeout(config.timeout())
                .header("Accept", "application/json");
        config.token().ifPresent(token -> builder.header("PRIVATE-TOKEN", token));
        if (body != null) {
            builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(write(body)));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpRequest httpRequest = builder.build();
        for (int attempt = 1;; attempt++) {
            GitLabException failure;
            try {
                HttpResponse<String> response = http.send(httpRequest, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return read(response.body());
                }
                boolean retryable = status >= 500 || status == 429;
                failure = new GitLabException(request, status, message(response.body()), retryable);
                if (!retryable) {
                    throw failure;
                }
            } catch (IOException e) {
                failure = new GitLabException(request, 0, e.getClass().getSimpleName()
                        + (e.getMessage() != null ? " " + e.getMessage() : ""), true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GitLabException(request, 0, "interrupted", true);
            }
            if (attempt >= config.attempts()) {
                throw failure;
            }
            LOG.warnf("GitLab %s, attempt %d of %d; retrying", failure.getMessage(), attempt, config.attempts());
            pause(attempt);
        }
    }

    private void pause(int attempt) {
        try {
            Thread.sleep(config.backoff().multipliedBy(attempt).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitLabException("backoff", 0, "interrupted", true);
        }
    }

    private JsonNode read(String body) {
        if (body == null || body.isBlank()) {
            return json.nullNode();
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new GitLabException("reading GitLab's answer", 0, "not JSON", true);
        }
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** GitLab puts its reason in "message" (a string, or an object of field errors) or "error". */
    private String message(String body) {
        try {
            JsonNode node = json.readTree(body == null ? "" : body);
            if (node != null && node.has("message")) {
                JsonNode m = node.get("message");
                return m.isTextual() ? m.asText() : m.toString();
            }
            if (node != null && node.has("error")) {
                return node.get("error").asText();
            }
        } catch (IOException e) {
            // not JSON: the raw body below says what GitLab said
        }
        String raw = body == null ? "" : body.strip();
        return raw.length() > 500 ? raw.substring(0, 500) : raw;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
