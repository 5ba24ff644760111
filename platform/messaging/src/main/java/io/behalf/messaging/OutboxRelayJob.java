package io.behalf.messaging;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs the relay of this instance: right after a transaction that wrote to the outbox commits (so an event
 * leaves within milliseconds), every poll interval as a safety net (events of crashed instances, failed
 * sends), and an hourly purge of long-sent events.
 */
@ApplicationScoped
public class OutboxRelayJob {

    private final OutboxRelay relay;
    private final Duration retention;
    private final ExecutorService nudges = Executors.newSingleThreadExecutor(r -> new Thread(r, "outbox-relay-nudge"));
    private final AtomicBoolean nudgePending = new AtomicBoolean();

    @ConfigProperty(name = "behalf.outbox.enabled", defaultValue = "true")
    boolean enabled;

    public OutboxRelayJob(AgroalDataSource dataSource, KafkaOutboxPublisher publisher,
            @ConfigProperty(name = "behalf.outbox.shards") int shards,
            @ConfigProperty(name = "behalf.outbox.batch-size") int batchSize,
            @ConfigProperty(name = "behalf.outbox.retention") Duration retention) {
        this.relay = new OutboxRelay(dataSource, publisher, shards, batchSize);
        this.retention = retention;
    }

    @Scheduled(identity = "behalf-outbox-relay", every = "${behalf.outbox.poll-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = RelayDisabled.class)
    synchronized void relay() {
        while (relay.relayOnce() > 0) {
            // keep draining while there is a backlog; the next tick comes when the outbox is empty
        }
    }

    /** Asks for a relay round soon; many nudges while one is pending make one round. */
    public void nudge() {
        if (enabled && nudgePending.compareAndSet(false, true)) {
            nudges.execute(() -> {
                nudgePending.set(false);
                relay();
            });
        }
    }

    @PreDestroy
    void stop() {
        nudges.shutdownNow();
    }

    @Scheduled(identity = "behalf-outbox-purge", every = "1h", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = RelayDisabled.class)
    void purge() {
        relay.purgeSentBefore(Instant.now().minus(retention));
    }

    /** {@code behalf.outbox.enabled=false} stops this instance's relay; tests of the relay itself drive it by hand. */
    @Singleton
    static class RelayDisabled implements Scheduled.SkipPredicate {
        @ConfigProperty(name = "behalf.outbox.enabled", defaultValue = "true")
        boolean enabled;

        @Override
        public boolean test(ScheduledExecution execution) {
            return !enabled;
        }
    }
}
