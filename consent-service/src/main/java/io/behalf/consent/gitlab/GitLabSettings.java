package io.behalf.consent.gitlab;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How this service reaches GitLab's REST API (base URL ends in /api/v4). */
@ConfigMapping(prefix = "behalf.gitlab")
public interface GitLabSettings {

    String url();

    /** Sent as PRIVATE-TOKEN; never logged. */
    Optional<String> token();

    /** Short, so a hanging GitLab cannot hold a consumer's transaction for long; the reply is retried instead. */
    @WithDefault("5s")
    Duration timeout();

    /** Answers are cached briefly: several requests on one ticket ask about the same membership. */
    @WithDefault("60s")
    Duration cacheTtl();
}
