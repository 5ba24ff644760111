package io.behalf.messaging;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
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
    private final RelayNudges nudges = new RelayNudges("outbox-relay-nudge", this::relay);

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
        while (relay.relayOnce() == relay.batchSize()) {
            // keep draining while there is a backlog; a round that was not full found the outbox empty
        }
    }

    /** Asks for a relay round of these shards soon; many nudges while one is pending make one round. */
    public void nudge(Set<Integer> shards) {
        if (!enabled) {
            return;
        }
        nudges.nudge(shards);
    }

    private synchronized void relay(Set<Integer> shards) {
        while (relay.relayOnce(shards) == relay.batchSize()) {
            // this round's shards may have more than one batch; a commit during the round nudges a round of its own
        }
    }

    @PreDestroy
    void stop() {
        nudges.close();
    }

    @Scheduled(identity = "behalf-outbox-purge", every = "1h", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = RelayDisabled.class)
    void purge() {
        relay.purgeSentBefore(Instant.now().minus(retention));
    }

    /** {@code behalf.outbox.enabled=false} stops this instance's relay; tests of the relay itself drive it by hand. */
    @Singleton
    public static class RelayDisabled implements Scheduled.SkipPredicate {
        @ConfigProperty(name = "behalf.outbox.enabled", defaultValue = "true")
        boolean enabled;

        @Override
        public boolean test(ScheduledExecution execution) {
            return !enabled;
        }
    }
}
