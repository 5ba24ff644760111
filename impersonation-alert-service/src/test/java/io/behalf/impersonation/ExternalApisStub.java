package io.behalf.impersonation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The Slack Web API and GitLab's users API, stubbed over real HTTP on one WireMock server: the service's Slack
 * SDK is pointed at it through {@code behalf.slack.api-url}, its GitLab client through {@code behalf.gitlab.url}.
 * Catch-all answers have the lowest priority; tests add their own per admin.
 */
public class ExternalApisStub implements QuarkusTestResourceLifecycleManager {

    private static WireMockServer server;

    @Override
    public synchronized Map<String, String> start() {
        if (server == null) {
            server = new WireMockServer(options().dynamicPort());
            server.start();
            server.stubFor(post(urlEqualTo("/api/users.lookupByEmail")).atPriority(10)
                    .willReturn(okJson("{\"ok\": false, \"error\": \"users_not_found\"}")));
            server.stubFor(post(urlEqualTo("/api/conversations.open")).atPriority(10)
                    .willReturn(okJson("{\"ok\": false, \"error\": \"user_not_found\"}")));
            server.stubFor(post(urlEqualTo("/api/chat.postMessage")).atPriority(10)
                    .willReturn(okJson("{\"ok\": true, \"channel\": \"C0DEFAULT\", \"ts\": \"1764324000.000100\"}")));
            server.stubFor(post(urlEqualTo("/api/conversations.history")).atPriority(10)
                    .willReturn(okJson("{\"ok\": true, \"messages\": [], \"has_more\": false}")));
            server.stubFor(post(urlEqualTo("/api/chat.update")).atPriority(10)
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody("{\"ok\": true}")));
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "slack-stub-stop"));
        }
        return Map.of("behalf.slack.api-url", server.baseUrl() + "/api",
                "behalf.gitlab.url", server.baseUrl() + "/gitlab/api/v4");
    }

    @Override
    public void stop() {
        // lives as long as the test JVM, like the broker and the database: the app may restart between classes
    }
}
