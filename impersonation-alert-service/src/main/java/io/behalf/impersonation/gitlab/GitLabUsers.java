package io.behalf.impersonation.gitlab;

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
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads a GitLab user's email through the admin API ({@code GET /users/:id}, header {@code PRIVATE-TOKEN}).
 * GitLab's audit stream names the impersonating admin by id and display name only, and Slack finds people by
 * email.
 */
@ApplicationScoped
public class GitLabUsers {

    /** A lookup that did not succeed; {@code retryable} when trying again later can help. */
    public static class LookupFailure extends RuntimeException {
        private final boolean retryable;

        public LookupFailure(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;
    private final Optional<String> token;

    public GitLabUsers(@ConfigProperty(name = "behalf.gitlab.url") String url,
            @ConfigProperty(name = "behalf.gitlab.token") Optional<String> token) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token.filter(t -> !t.isBlank());
    }

    public String emailOf(String userId) {
        String privateToken = token.orElseThrow(() -> new LookupFailure("behalf.gitlab.token is not set", false));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/users/" + URLEncoder.encode(userId, StandardCharsets.UTF_8)))
                .header("PRIVATE-TOKEN", privateToken)
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(10))
                .GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new LookupFailure("GitLab unreachable: " + e.getClass().getSimpleName(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LookupFailure("interrupted", true);
        }
        int status = response.statusCode();
        if (status != 200) {
            throw new LookupFailure("GitLab GET /users/" + userId + " answered HTTP " + status,
                    status == 429 || status >= 500);
        }
        try {
            JsonNode user = JSON.readTree(response.body());
            String email = user.path("email").asText("");
            if (email.isBlank()) {
                email = user.path("public_email").asText("");
            }
            if (email.isBlank()) {
                throw new LookupFailure("GitLab shows no email for user " + userId + " (is the token an admin's?)", false);
            }
            return email;
        } catch (IOException e) {
            throw new LookupFailure("GitLab answered something that is not JSON", true);
        }
    }
}
