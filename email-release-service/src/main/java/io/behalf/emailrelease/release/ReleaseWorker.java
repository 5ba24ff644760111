package io.behalf.emailrelease.release;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Works on the IN_PROGRESS releases of this instance, one at a time on one thread: woken right after a release
 * was started (so work begins within milliseconds), and every poll interval to pick up retries and releases a
 * dead instance left behind once their lease ran out.
 */
@ApplicationScoped
public class ReleaseWorker {

    private static final Logger LOG = Logger.getLogger(ReleaseWorker.class);

    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> new Thread(r, "email-release-worker"));
    private final AtomicBoolean wakeUpPending = new AtomicBoolean();
    private volatile boolean stopping;

    @Inject
    ReleaseClaims claims;
    @Inject
    ReleaseProcess process;
    @Inject
    ReleaseConfig config;

    @Scheduled(identity = "email-release-resume", every = "${behalf.email-release.poll-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        nudge();
    }

    /** Asks for a round soon; many nudges while one is pending make one round. */
    public void nudge() {
        if (!stopping && wakeUpPending.compareAndSet(false, true)) {
            runner.execute(() -> {
                wakeUpPending.set(false);
                drain();
            });
        }
    }

    private void drain() {
        try {
            List<ReleaseClaims.Claim> claimed;
            while (!(claimed = claims.claimDue(config.claimBatch())).isEmpty()) {
                claimed.forEach(process::run);
            }
        } catch (RuntimeException e) {
            // the database may be away for a moment; the next poll tries again
            LOG.warnf("email release round failed: %s", e.toString());
        }
    }

    /** No new rounds once shutdown began: the database may already be gone; a held claim just runs out. */
    void onShutdown(@Observes ShutdownEvent shutdown) {
        stopping = true;
    }

    @PreDestroy
    void stop() {
        stopping = true;
        runner.shutdownNow();
    }
}
