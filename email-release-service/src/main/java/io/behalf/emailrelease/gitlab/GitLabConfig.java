package io.behalf.emailrelease.gitlab;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** GitLab's admin API as this service reaches it. The token is a secret: it goes in the header and nowhere else. */
@ConfigMapping(prefix = "behalf.gitlab")
public interface GitLabConfig {

    /** e.g. https://gitlab.example.com/api/v4 */
    String url();

    /** an admin personal access token, sent as PRIVATE-TOKEN */
    Optional<String> token();

    /** per request; a request that takes longer counts as a transient failure */
    @WithDefault("10s")
    Duration timeout();

    /** tries per request when GitLab answers 5xx or 429 or does not answer in time */
    @WithDefault("3")
    int attempts();

    /** the pause before the n-th retry is n times this */
    @WithDefault("500ms")
    Duration backoff();
}
