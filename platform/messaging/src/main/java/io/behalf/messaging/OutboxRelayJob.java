package io.behalf.messaging;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Runs the relay of this instance: every poll interval, and a daily purge of long-sent events. */
@ApplicationScoped
public class OutboxRelayJob {

    private final OutboxRelay relay;
    private final Duration retention;

    public OutboxRelayJob(AgroalDataSource dataSource, KafkaOutboxPublisher publisher,
            @ConfigProperty(name = "behalf.outbox.shards") int shards,
            @ConfigProperty(name = "behalf.outbox.batch-size") int batchSize,
            @ConfigProperty(name = "behalf.outbox.retention") Duration retention) {
        this.relay = new OutboxRelay(dataSource, publisher, shards, batchSize);
        this.retention = retention;
    }

    @Scheduled(identity = "behalf-outbox-relay", every = "${behalf.outbox.poll-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = RelayDisabled.class)
    void relay() {
        while (relay.relayOnce() > 0) {
            // keep draining while there is a backlog; the next tick comes when the outbox is empty
        }
    }

    @Scheduled(identity = "behalf-outbox-purge", every = "1h", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = RelayDisabled.class)
    void purge() {
        relay.purgeSentBefore(Instant.now().minus(retention));
    }

    /** {@code behalf.outbox.enabled=false} stops this instance's relay; tests of the relay itself drive it by hand. */
    @jakarta.inject.Singleton
    static class RelayDisabled implements Scheduled.SkipPredicate {
        @ConfigProperty(name = "behalf.outbox.enabled", defaultValue = "true")
        boolean enabled;

        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            return !enabled;
        }
    }
}
