package io.behalf.consent.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.behalf.events.TargetKind;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The two questions this service asks GitLab: is a user an owner or maintainer of a project or group (members
 * API, inherited members included), and is an account confirmed (users API). Only a 200 or a 404 is an answer;
 * anything else is {@link GitLabUnavailableException}, so a failed check can never read as "allowed".
 */
@ApplicationScoped
public class GitLab {

    private final GitLabSettings settings;
    private final ObjectMapper json;
    private final HttpClient http;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Cached<Membership>> memberships = new ConcurrentHashMap<>();

    public GitLab(GitLabSettings settings, ObjectMapper json) {
        this.settings = settings;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    /** The user's membership of the project or group; {@link Membership#NONE} when GitLab says they are not a member. */
    public Membership membership(TargetKind kind, String targetId, String userId) {
        String collection = switch (kind) {
            case PROJECT -> "projects";
            case GROUP -> "groups";
            case USER -> throw new IllegalArgumentException("a user account has no members");
        };
        String path = "/" + collection + "/" + encode(targetId) + "/members/all/" + encode(userId);
        Cached<Membership> cached = memberships.get(path);
        if (cached != null && cached.until.isAfter(clock.instant())) {
            return cached.value;
        }
        Membership membership = get(path).map(m -> new Membership(m.path("access_level").asInt(0)))
                .orElse(Membership.NONE);
        memberships.put(path, new Cached<>(membership, clock.instant().plus(settings.cacheTtl())));
        return membership;
    }

    /** The account, or empty when GitLab has no such user. Not cached: it is read once per request for consent. */
    public Optional<GitLabAccount> account(String userId) {
        return get("/users/" + encode(userId)).map(u -> new GitLabAccount(userId, u.path("username").asText(null),
                u.hasNonNull("confirmed_at")));
    }

    private Optional<JsonNode> get(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.url().replaceAll("/+$", "") + path))
                .timeout(settings.timeout()).header("Accept", "application/json").GET();
        settings.token().filter(t -> !t.isBlank()).ifPresent(t -> request.header("PRIVATE-TOKEN", t));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new GitLabUnavailableException("GitLab unreachable for GET " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitLabUnavailableException("interrupted while asking GitLab", e);
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new GitLabUnavailableException("GitLab answered " + response.statusCode() + " to GET " + path);
        }
        try {
            return Optional.of(json.readTree(response.body()));
        } catch (IOException e) {
            throw new GitLabUnavailableException("GitLab sent an unreadable body for GET " + path, e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    private record Cached<T>(T value, Instant until) {
    }
}
