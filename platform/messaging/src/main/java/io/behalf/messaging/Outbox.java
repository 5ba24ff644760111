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
import java.sql.PreparedStatement;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.UUID;
import org.hibernate.Session;
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

    /** One event of a {@link #publishAll} batch: its record key, {@code ce_subject} (or null) and payload. */
    public record Pending(String key, String subject, Record payload) {
    }

    /** An event checked and given its id, written now or when the {@link #inOneBatch} holding it returns. */
    private record Row(UUID id, EventType type, Pending event) {
    }

    /** The transaction's held events while an {@link #inOneBatch} runs; null rows when none does. */
    private static final class Held {
        List<Row> rows;
    }

    /**
     * @param key the record key of DESIGN.md for this topic (ticketId, accountId, impersonated userId)
     * @param subject the {@code ce_subject}, usually the id of the thing the event is about; may be null
     * @return the event's id, its {@code ce_id}
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID publish(EventType type, String key, String subject, Record payload) {
        return publishAll(type, List.of(new Pending(key, subject, payload))).get(0);
    }

    /**
     * Records many events of one type in one JDBC batch (one round trip where the driver rewrites batched
     * inserts), in list order; a consumer that stores a whole poll batch would otherwise pay a round trip per
     * event. Returns their ids in the same order.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<UUID> publishAll(EventType type, List<Pending> events) {
        List<Row> rows = new ArrayList<>(events.size());
        for (Pending e : events) {
            if (!type.payload().isInstance(e.payload())) {
                throw new IllegalArgumentException(type.type() + " does not carry " + e.payload().getClass().getSimpleName());
            }
            if (e.key() == null || e.key().isBlank()) {
                throw new IllegalArgumentException(type.type() + " needs a record key");
            }
            rows.add(new Row(UUID.randomUUID(), type, e));
        }
        Held held = (Held) transactions.getResource(Held.class);
        if (held != null && held.rows != null) {
            held.rows.addAll(rows);
        } else {
            write(rows);
        }
        return rows.stream().map(Row::id).toList();
    }

    /**
     * Runs {@code work} in the caller's transaction, holding back the events it publishes (of any type) and
     * writing them together when it returns: one JDBC batch in publish order, where each {@link #publish} alone
     * would cost a flush of the persistence context and a round trip. For code that applies many changes at once,
     * such as a consumer's poll batch. The events are part of the transaction either way; if {@code work} throws,
     * the transaction is marked rollback-only, so no change of it can commit without its events.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void inOneBatch(Runnable work) {
        Held held = TransactionResources.getOrCreate(transactions, Held.class, Held::new);
        if (held.rows != null) {
            work.run(); // inside another one: the outermost writes them all
            return;
        }
        held.rows = new ArrayList<>();
        List<Row> rows;
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            transactions.setRollbackOnly();
            throw e;
        } finally {
            rows = held.rows;
            held.rows = null;
        }
        write(rows);
    }

    private void write(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        Set<Integer> written = new HashSet<>();
        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
        // entity changes made earlier in the transaction reach the database first, as before a native query
        em.flush();
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement insert = c.prepareStatement("""
                    insert into outbox_event (id, shard, topic, record_key, type, source, subject, occurred_at, payload)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (Row row : rows) {
                    Pending e = row.event();
                    insert.setObject(1, row.id());
                    int shard = shardOf(e.key(), shards);
                    written.add(shard);
                    insert.setInt(2, shard);
                    insert.setString(3, row.type().topic());
                    insert.setString(4, e.key());
                    insert.setString(5, row.type().type());
                    insert.setString(6, source);
                    insert.setString(7, e.subject());
                    insert.setObject(8, now);
                    insert.setString(9, EventJson.write(e.payload()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
        nudgeAfterCommit(written);
    }

    /** One relay round per transaction, after it committed, for the shards it wrote to. */
    private void nudgeAfterCommit(Set<Integer> written) {
        if (written.isEmpty()) {
            return;
        }
        @SuppressWarnings("unchecked")
        Set<Integer> shardsOfTransaction = (Set<Integer>) transactions.getResource(Outbox.class);
        if (shardsOfTransaction != null) {
            shardsOfTransaction.addAll(written);
        } else {
            Set<Integer> dirty = new HashSet<>(written);
            transactions.putResource(Outbox.class, dirty);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        relay.nudge(dirty);
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
