package io.behalf.impersonation.slack;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Slack settings; the secrets are optional so that a missing one refuses requests instead of failing startup. */
@ConfigMapping(prefix = "behalf.slack")
public interface SlackSettings {

    @WithDefault("https://slack.com/api")
    String apiUrl();

    Optional<String> botToken();

    Optional<String> signingSecret();

    Optional<String> securityChannel();

    @WithDefault("2s")
    Duration pollInterval();

    @WithDefault("8")
    int maxAttempts();

    @WithDefault("2s")
    Duration backoff();

    @WithDefault("5m")
    Duration maxBackoff();

    /** Slack tasks one instance works on at once (the calls are mostly waiting); one per impersonation at a time. */
    @WithDefault("4")
    int workers();

    /** How long one instance holds a task while it talks to Slack; a crashed instance's task is retried after it. */
    @WithDefault("1m")
    Duration lease();
}
