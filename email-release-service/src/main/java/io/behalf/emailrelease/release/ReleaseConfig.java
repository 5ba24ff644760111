package io.behalf.emailrelease.release;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "behalf.email-release")
public interface ReleaseConfig {

    /** how often an instance looks for due releases: retries, and work of instances that died */
    @WithDefault("5s")
    Duration pollInterval();

    /** how long a claim keeps other instances off a release; renewed after every step, so a crash costs this long */
    @WithDefault("2m")
    Duration lease();

    /** pause before the first later retry when GitLab stayed unavailable; doubles per attempt */
    @WithDefault("30s")
    Duration retryBackoff();

    @WithDefault("15m")
    Duration maxRetryBackoff();

    /** +release, +release2 … up to +release&lt;this&gt; are tried when taken */
    @WithDefault("20")
    int maxReleaseSuffix();

    /**
     * releases one instance works on at once, each worker claiming one at a time (GitLab calls are mostly waiting);
     * one per account at a time whatever this is
     */
    @WithDefault("4")
    int workers();
}
