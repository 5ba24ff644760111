package io.behalf.emailrelease.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * One fake GitLab account per test: a fresh user id and namespace id, stubs for the calls an email release makes,
 * and the requests GitLab received about that account, in the order they arrived.
 */
public final class GitLabStub {

    public static final String API = "/api/v4";

    public final String accountId;
    public final String namespaceId;
    private final WireMock wireMock;

    private GitLabStub(WireMock wireMock) {
        this.wireMock = wireMock;
        long id = ThreadLocalRandom.current().nextLong(1_000_000, 999_999_999);
        this.accountId = Long.toString(id);
        this.namespaceId = Long.toString(id + 1_000_000_000L);
    }

    /** A new account on the GitLab stub the running application talks to. */
    public static GitLabStub newAccount() {
        URI url = URI.create(ConfigProvider.getConfig().getValue("behalf.gitlab.url", String.class));
        return new GitLabStub(new WireMock(url.getHost(), url.getPort()));
    }

    public GitLabStub user(String primaryEmail, String lastActivityOn) {
        return stub(get(urlPathEqualTo(users())), ok("""
                {"id": %s, "username": "user%s", "email": "%s", "last_activity_on": %s, "namespace_id": %s,
                 "state": "active"}""".formatted(accountId, accountId, primaryEmail,
                lastActivityOn == null ? "null" : "\"" + lastActivityOn + "\"", namespaceId)));
    }

    public GitLabStub events(String jsonArray) {
        return stub(get(urlPathEqualTo(users() + "/events")), ok(jsonArray));
    }

    public GitLabStub plan(String plan) {
        return stub(get(urlPathEqualTo(API + "/namespaces/" + namespaceId)), ok("""
                {"id": %s, "path": "user%s", "kind": "user", "plan": "%s"}""".formatted(namespaceId, accountId, plan)));
    }

    /** GET /users/:id/emails answers {@code [{id, email}, ...]} from pairs id, address. */
    public GitLabStub emails(Object... idsAndAddresses) {
        return stub(get(urlPathEqualTo(users() + "/emails")), ok(emailList(idsAndAddresses)));
    }

    public GitLabStub addEmailAccepted() {
        return stub(post(urlPathEqualTo(users() + "/emails")), aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\": 99, \"email\": \"added\"}"));
    }

    public GitLabStub updateUserAccepted() {
        return stub(put(urlPathEqualTo(users())), ok("{\"id\": " + accountId + "}"));
    }

    public GitLabStub deleteEmailAccepted(long emailId) {
        return stub(delete(urlPathEqualTo(users() + "/emails/" + emailId)), aResponse().withStatus(204));
    }

    public GitLabStub stub(MappingBuilder request, ResponseDefinitionBuilder response) {
        wireMock.register(request.willReturn(response));
        return this;
    }

    public WireMock wireMock() {
        return wireMock;
    }

    /** "METHOD /path?query" of every request about this account (its user and namespace), oldest first. */
    public List<String> requests() {
        List<String> seen = new ArrayList<>();
        for (ServeEvent event : served()) {
            seen.add(event.getRequest().getMethod() + " " + event.getRequest().getUrl());
        }
        return seen;
    }

    public List<ServeEvent> served() {
        List<ServeEvent> events = new ArrayList<>(wireMock.getServeEvents());
        java.util.Collections.reverse(events);
        return events.stream().filter(e -> about(e.getRequest().getUrl())).toList();
    }

    private boolean about(String url) {
        String path = url.replaceFirst("\\?.*", "");
        return path.equals(users()) || path.startsWith(users() + "/") || path.equals(API + "/namespaces/" + namespaceId);
    }

    public String users() {
        return API + "/users/" + accountId;
    }

    public static ResponseDefinitionBuilder ok(String json) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(json);
    }

    public static String emailList(Object... idsAndAddresses) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < idsAndAddresses.length; i += 2) {
            json.append(i == 0 ? "" : ",").append("{\"id\": ").append(idsAndAddresses[i])
                    .append(", \"email\": \"").append(idsAndAddresses[i + 1]).append("\", \"confirmed_at\": null}");
        }
        return json.append("]").toString();
    }
}
