package io.behalf.consent.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.behalf.events.TargetKind;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** GitLab's REST API stubbed over real HTTP; every test uses ids of its own, so stubs never collide. */
public class GitLabStub implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "test-gitlab-token";
    private static WireMockServer server;

    @Override
    public synchronized Map<String, String> start() {
        if (server == null) {
            server = new WireMockServer(options().dynamicPort());
            server.start();
        }
        return Map.of("behalf.gitlab.url", server.baseUrl() + "/api/v4", "behalf.gitlab.token", TOKEN);
    }

    @Override
    public void stop() {
        // kept for the JVM: Quarkus may restart the application between test classes
    }

    public static WireMockServer server() {
        return server;
    }

    public static void member(TargetKind kind, String targetId, String userId, int accessLevel) {
        server.stubFor(get(urlPathEqualTo(membersPath(kind, targetId, userId)))
                .withHeader("PRIVATE-TOKEN", WireMock.equalTo(TOKEN))
                .willReturn(okJson("""
                        {"id": %s, "username": "user%s", "access_level": %d, "state": "active"}"""
                        .formatted(userId, userId, accessLevel))));
    }

    public static void notMember(TargetKind kind, String targetId, String userId) {
        server.stubFor(get(urlPathEqualTo(membersPath(kind, targetId, userId)))
                .willReturn(aResponse().withStatus(404).withBody("{\"message\":\"404 Not found\"}")));
    }

    public static void membersDown(TargetKind kind, String targetId, String userId) {
        server.stubFor(get(urlPathEqualTo(membersPath(kind, targetId, userId)))
                .willReturn(aResponse().withStatus(503).withBody("GitLab is down for maintenance")));
    }

    public static void account(String userId, boolean confirmed) {
        server.stubFor(get(urlPathEqualTo("/api/v4/users/" + userId)).willReturn(okJson("""
                {"id": %s, "username": "user%s", "confirmed_at": %s}"""
                .formatted(userId, userId, confirmed ? "\"2024-01-01T00:00:00.000Z\"" : "null"))));
    }

    public static void accountDown(String userId) {
        server.stubFor(get(urlPathEqualTo("/api/v4/users/" + userId))
                .willReturn(aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
    }

    public static String membersPath(TargetKind kind, String targetId, String userId) {
        return "/api/v4/" + (kind == TargetKind.GROUP ? "groups" : "projects") + "/" + targetId + "/members/all/" + userId;
    }
}
