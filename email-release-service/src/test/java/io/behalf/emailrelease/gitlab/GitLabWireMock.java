package io.behalf.emailrelease.gitlab;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A stand-in for GitLab's admin API over real HTTP, on a free port; tests stub and inspect it via {@link GitLabStub}. */
public class GitLabWireMock implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "glpat-test-token-never-logged";

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        return Map.of(
                "behalf.gitlab.url", server.baseUrl() + "/api/v4",
                "behalf.gitlab.token", TOKEN,
                // short enough for the timeout test; the default in production is 10s
                "behalf.gitlab.timeout", "3s",
                // a retry round later than the in-process retries, soon enough for a test
                "behalf.email-release.retry-backoff", "1s");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
