package io.behalf.messaging;

import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Records an event in the caller's transaction; {@link OutboxRelay} publishes it once that transaction
 * committed. Never publish straight to Kafka from a transaction: the two would not be atomic.
 */
@ApplicationScoped
public class Outbox {

    private final EntityManager em;
    private final TransactionSynchronizationRegistry transactions;
    private final OutboxRelayJob relay;
    private final String source;
    private final int shards;

    public Outbox(EntityManager em, TransactionSynchronizationRegistry transactions,
            OutboxRelayJob relay, @ConfigProperty(name = "quarkus.application.name") String application,
            @ConfigProperty(name = "behalf.outbox.shards") int shards) {
        this.em = em;
        this.transactions = transactions;
        this.relay = relay;
        this.source = "/behalf/" + application;
        this.shards = shards;
    }

    /**
     * @param key the record key of DESIGN.md for this topic (ticketId, accountId, impersonated userId)
     * @param subject the {@code ce_subject}, usually the id of the thing the event is about; may be null
     * @return the event's id, its {@code ce_id}
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID publish(EventType type, String key, String subject, Record payload) {
        if (!type.payload().isInstance(payload)) {
            throw new IllegalArgumentException(type.type() + " does not carry " + payload.getClass().getSimpleName());
        }
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException(type.type() + " needs a record key");
        }
        UUID id = UUID.randomUUID();
        em.createNativeQuery("""
                insert into outbox_event (id, shard, topic, record_key, type, source, subject, occurred_at, payload)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)""")
                .setParameter(1, id)
                .setParameter(2, shardOf(key, shards))
                .setParameter(3, type.topic())
                .setParameter(4, key)
                .setParameter(5, type.type())
                .setParameter(6, source)
                .setParameter(7, subject)
                .setParameter(8, OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC))
                .setParameter(9, EventJson.write(payload))
                .executeUpdate();
        nudgeAfterCommit();
        return id;
    }

    private void nudgeAfterCommit() {
        if (transactions.getResource(Outbox.class) == null) {
            transactions.putResource(Outbox.class, Boolean.TRUE);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        relay.nudge();
                    }
                }
            });
        }
    }

    /** Events of one key always land in one shard, so one relay at a time keeps their order. */
    static int shardOf(String key, int shards) {
        return Math.floorMod(key.hashCode(), shards);
    }
}
