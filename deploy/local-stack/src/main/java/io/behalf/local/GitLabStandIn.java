package io.behalf.local;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A STAND-IN for GitLab's REST API (only the calls Behalf makes), serving a few demo users and recording the
 * admin calls it receives. Used by the local stack; setting BEHALF_GITLAB_URL points the services at a real GitLab.
 */
final class GitLabStandIn extends StandInServer {

    record Email(int id, String email) {
    }

    static final class User {
        final String id;
        final String username;
        String email;
        final boolean confirmed;
        final boolean active;
        final String namespaceId;
        final List<Email> secondary = new ArrayList<>();

        User(String id, String username, String email, boolean confirmed, boolean active, String namespaceId) {
            this.id = id;
            this.username = username;
            this.email = email;
            this.confirmed = confirmed;
            this.active = active;
            this.namespaceId = namespaceId;
        }
    }

    private final String token;
    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, String> plans = new HashMap<>();
    /** project or group id (and path) → user id → access level */
    private final Map<String, Map<String, Integer>> members = new HashMap<>();
    private final AtomicInteger emailIds = new AtomicInteger(100);
    final List<String> adminCalls = new CopyOnWriteArrayList<>();
    /** user id → every primary address it was switched to, in order: what "applied on GitLab" means */
    private final Map<String, List<String>> primaryChanges = new HashMap<>();

    GitLabStandIn(int port, String token, PrintStream log) {
        super(port, log);
        this.token = token;
        demoData();
    }

    private void demoData() {
        user(new User("4711", "jdoe", "jdoe@example.com", true, true, "14711"), "free");
        user(new User("4712", "acme-owner", "owner@acme.example", true, true, "14712"), "premium");
        user(new User("4713", "mallory", "mallory@example.net", true, true, "14713"), "free");
        // inactive accounts whose address can be released
        user(new User("9001", "johndoe-old", "johndoe@example.com", true, false, "19001"), "premium");
        user(new User("9003", "janedoe-sso", "jane@example.org", true, false, "19003"), "free");
        users.get("9003").secondary.add(new Email(emailIds.incrementAndGet(), "jane.work@example.org"));
        user(new User("1", "root", "admin@gitlab.example", true, true, "11"), "free");
        user(new User("2", "admin-bob", "bob.admin@gitlab.example", true, true, "12"), "free");
        Map<String, Integer> backend = new HashMap<>(Map.of("4711", 30, "4712", 50));
        members.put("278964", backend);
        members.put("acme/backend", backend);
        Map<String, Integer> acme = new HashMap<>(Map.of("4712", 50));
        members.put("9970", acme);
        members.put("acme", acme);
    }

    private void user(User user, String plan) {
        users.put(user.id, user);
        plans.put(user.namespaceId, plan);
    }

    private static final Pattern USER = Pattern.compile("/api/v4/users/([^/]+)");
    private static final Pattern USER_EVENTS = Pattern.compile("/api/v4/users/([^/]+)/events");
    private static final Pattern USER_EMAILS = Pattern.compile("/api/v4/users/([^/]+)/emails");
    private static final Pattern USER_EMAIL = Pattern.compile("/api/v4/users/([^/]+)/emails/(\\d+)");
    private static final Pattern NAMESPACE = Pattern.compile("/api/v4/namespaces/([^/]+)");
    private static final Pattern MEMBER = Pattern.compile("/api/v4/(projects|groups)/(.+)/members/all/([^/]+)");

    @Override
    protected synchronized void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String body = body(exchange);
        if (!token.equals(exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN"))) {
            json(exchange, 401, Map.of("message", "401 Unauthorized"));
            return;
        }
        Map<String, String> params = parameters(exchange, body);
        Matcher m;
        if ((m = MEMBER.matcher(path)).matches()) {
            String scope = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            Integer level = members.getOrDefault(scope, Map.of()).get(m.group(3));
            User u = users.get(m.group(3));
            if (level == null || u == null) {
                json(exchange, 404, Map.of("message", "404 Not found"));
            } else {
                json(exchange, 200, Map.of("id", Integer.parseInt(u.id), "username", u.username, "access_level", level,
                        "state", "active"));
            }
        } else if ((m = USER_EVENTS.matcher(path)).matches()) {
            User u = users.get(m.group(1));
            if (u == null) {
                json(exchange, 404, Map.of("message", "404 User Not Found"));
            } else {
                json(exchange, 200, u.active ? List.of(Map.of("id", 1, "action_name", "pushed to",
                        "created_at", "2026-11-01T09:00:00Z")) : List.of());
            }
        } else if ((m = USER_EMAIL.matcher(path)).matches() && method.equals("DELETE")) {
            User u = users.get(m.group(1));
            int id = Integer.parseInt(m.group(2));
            boolean removed = u != null && u.secondary.removeIf(e -> e.id() == id);
            record("DELETE /users/" + m.group(1) + "/emails/" + id);
            respond(exchange, removed ? 204 : 404, "application/json", removed ? "" : "{\"message\":\"404 Not found\"}");
        } else if ((m = USER_EMAILS.matcher(path)).matches()) {
            User u = users.get(m.group(1));
            if (u == null) {
                json(exchange, 404, Map.of("message", "404 User Not Found"));
            } else if (method.equals("POST")) {
                String email = params.get("email");
                boolean taken = users.values().stream().anyMatch(x -> x.email.equalsIgnoreCase(email)
                        || x.secondary.stream().anyMatch(e -> e.email().equalsIgnoreCase(email)));
                record("POST /users/" + u.id + "/emails email=" + email + " skip_confirmation=" + params.get("skip_confirmation"));
                if (taken) {
                    json(exchange, 400, Map.of("message", Map.of("email", List.of("has already been taken"))));
                } else {
                    Email added = new Email(emailIds.incrementAndGet(), email);
                    u.secondary.add(added);
                    json(exchange, 201, Map.of("id", added.id(), "email", email, "confirmed_at", Instant.now().toString()));
                }
            } else {
                json(exchange, 200, u.secondary.stream().map(e -> Map.of("id", e.id(), "email", e.email(),
                        "confirmed_at", "2026-01-01T00:00:00Z")).toList());
            }
        } else if ((m = USER.matcher(path)).matches()) {
            User u = users.get(m.group(1));
            if (u == null) {
                json(exchange, 404, Map.of("message", "404 User Not Found"));
            } else if (method.equals("PUT")) {
                String email = params.get("email");
                record("PUT /users/" + u.id + " email=" + email + " skip_reconfirmation=" + params.get("skip_reconfirmation"));
                Email secondary = u.secondary.stream().filter(e -> e.email().equalsIgnoreCase(email)).findFirst().orElse(null);
                if (email != null && secondary == null) {
                    json(exchange, 400, Map.of("message", Map.of("email", List.of("must be one of your secondary emails"))));
                    return;
                }
                if (email != null && !email.equalsIgnoreCase(u.email)) {
                    // GitLab keeps the previous primary as a secondary address
                    u.secondary.add(new Email(emailIds.incrementAndGet(), u.email));
                    u.email = email;
                    primaryChanges.computeIfAbsent(u.id, id -> new ArrayList<>()).add(email);
                }
                json(exchange, 200, userJson(u));
            } else {
                json(exchange, 200, userJson(u));
            }
        } else if ((m = NAMESPACE.matcher(path)).matches()) {
            String plan = plans.get(m.group(1));
            if (plan == null) {
                json(exchange, 404, Map.of("message", "404 Namespace Not Found"));
            } else {
                json(exchange, 200, Map.of("id", Integer.parseInt(m.group(1)), "kind", "user", "plan", plan));
            }
        } else {
            json(exchange, 404, Map.of("message", "404 Not found (stand-in does not serve " + method + " " + path + ")"));
        }
    }

    private Map<String, Object> userJson(User u) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", Integer.parseInt(u.id));
        json.put("username", u.username);
        json.put("email", u.email);
        json.put("state", "active");
        json.put("confirmed_at", u.confirmed ? "2025-03-01T10:00:00Z" : null);
        json.put("last_activity_on", u.active ? "2026-11-20" : null);
        json.put("namespace_id", Integer.parseInt(u.namespaceId));
        return json;
    }

    private void record(String call) {
        adminCalls.add(call);
        log.println(String.format("%-30s| ", "[gitlab stand-in]") + call);
    }

    /** An account with no activity in its history (its address may be released), on the given plan. */
    synchronized void addInactiveAccount(String id, String username, String email, String plan) {
        user(new User(id, username, email, true, false, "1" + id), plan);
    }

    synchronized List<String> primaryChanges(String userId) {
        return List.copyOf(primaryChanges.getOrDefault(userId, List.of()));
    }

    synchronized String primaryEmail(String userId) {
        return users.get(userId).email;
    }
}
