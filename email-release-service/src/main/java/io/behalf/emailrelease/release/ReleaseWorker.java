package io.behalf.emailrelease.release;

import io.behalf.messaging.WorkerPool;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Works on the IN_PROGRESS releases of this instance with a few workers ({@code behalf.email-release.workers}),
 * each claiming one release at a time: woken right after a release was started (so work begins within
 * milliseconds), and every poll interval to pick up retries and releases a dead instance left behind once their
 * lease ran out. A release is worked by one worker at a time, and at most one release per account (see
 * {@link ReleaseClaims#claimDue}).
 */
@ApplicationScoped
public class ReleaseWorker {

    private static final Logger LOG = Logger.getLogger(ReleaseWorker.class);

    @Inject
    ReleaseClaims claims;
    @Inject
    ReleaseProcess process;
    @Inject
    ReleaseConfig config;

    private WorkerPool<ReleaseClaims.Claim> pool;

    @PostConstruct
    void init() {
        pool = new WorkerPool<>("email-release-worker", config.workers(),
                () -> claims.claimDue(1).stream().findFirst(), process::run, LOG);
    }

    @Scheduled(identity = "email-release-resume", every = "${behalf.email-release.poll-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        nudge();
    }

    /** Asks for a round soon; many nudges while the workers are busy make one more look each. */
    public void nudge() {
        pool.nudge();
    }

    /** No new rounds once shutdown began: the database may already be gone; a held claim just runs out. */
    void onShutdown(@Observes ShutdownEvent shutdown) {
        pool.stop();
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
