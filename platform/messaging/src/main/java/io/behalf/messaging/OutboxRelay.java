package io.behalf.messaging;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Publishes committed outbox events in order. Several instances of a service may run this at once: each shard
 * is relayed under a PostgreSQL advisory lock, so exactly one relay works on a shard at a time, in
 * {@code position} order, and events of one key (one shard) never overtake each other. An event is marked
 * sent only after the broker acknowledged it; a crash in between publishes it again (consumers dedupe on
 * {@code ce_id}).
 */
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory-lock namespace of the relay; shard n takes lock (RELAY_LOCK, n). */
    static final int RELAY_LOCK = 0x0B0A;

    private final DataSource dataSource;
    private final OutboxPublisher publisher;
    private final List<Integer> shards;
    private final int batchSize;

    public OutboxRelay(DataSource dataSource, OutboxPublisher publisher, int shards, int batchSize) {
        this.dataSource = dataSource;
        this.publisher = publisher;
        this.shards = java.util.stream.IntStream.range(0, shards).boxed().toList();
        this.batchSize = batchSize;
    }

    /** A round that sent this many may have left more behind; one that sent fewer found the rest empty (or failed). */
    public int batchSize() {
        return batchSize;
    }

    /** Relays what is pending now in every shard this relay could lock; returns how many events were sent. */
    public int relayOnce() {
        return relayOnce(shards);
    }

    /**
     * Relays only the given shards: after a commit only the shards it wrote to can have new events. One round is one
     * transaction on one connection whatever the number of shards: the shards it can lock, in one statement, then
     * their oldest pending events, in one query, so that a commit's relay costs a handful of statements, not a
     * handful per shard. Returns how many events were sent; fewer than the batch size means the locked shards
     * had nothing more pending when the round read them.
     */
    public int relayOnce(java.util.Collection<Integer> dirty) {
        if (dirty.isEmpty()) {
            return 0;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Integer[] locked = tryLock(c, dirty);
                int sent = locked.length == 0 ? 0 : publishInOrder(c, pending(c, locked));
                c.commit();
                return sent;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            LOG.warnf("outbox shards %s not relayed this round: %s", dirty, e.getMessage());
            return 0;
        }
    }

    /** Each shard's lock, held to the end of the round's transaction; a shard another relay holds is left to it. */
    private Integer[] tryLock(Connection c, java.util.Collection<Integer> shards) throws SQLException {
        List<Integer> locked = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                select shard from unnest(?::int[]) as shard where pg_try_advisory_xact_lock(?, shard)""")) {
            s.setArray(1, c.createArrayOf("int4", shards.toArray()));
            s.setInt(2, RELAY_LOCK);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    locked.add(rs.getInt(1));
                }
            }
        }
        return locked.toArray(Integer[]::new);
    }

    /**
     * The oldest pending events of the locked shards: positions only grow, so the lowest ones across shards are,
     * for each shard, a prefix of what it has pending, in its order.
     */
    private List<OutboxEvent> pending(Connection c, Integer[] shards) throws SQLException {
        List<OutboxEvent> events = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                select id, position, topic, record_key, type, source, subject, occurred_at, payload, shard
                from outbox_event where shard = any(?) and sent_at is null order by position limit ?""")) {
            s.setArray(1, c.createArrayOf("int4", shards));
            s.setInt(2, batchSize);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    events.add(new OutboxEvent(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getTimestamp(8).toInstant(), rs.getString(9), rs.getInt(10)));
                }
            }
        }
        return events;
    }

    /**
     * Sends the whole batch, then marks sent, per shard, the longest prefix the broker acknowledged: a later event
     * of a shard is never marked while an earlier one of it is still pending. This keeps per-key order because the
     * idempotent producer fails every later in-flight record of a partition once one of them failed; the records
     * after the failure are sent again, in order, by the next round (consumers drop the copies by {@code ce_id}).
     */
    private int publishInOrder(Connection c, List<OutboxEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<Void>> acks = publisher.publishRound(events, Function.identity());
        List<UUID> acknowledged = new ArrayList<>();
        java.util.Set<Integer> stopped = new java.util.HashSet<>();
        for (int i = 0; i < events.size(); i++) {
            OutboxEvent event = events.get(i);
            if (stopped.contains(event.shard())) {
                continue;
            }
            try {
                acks.get(i).get(30, TimeUnit.SECONDS);
                acknowledged.add(event.id());
            } catch (Exception e) {
                stopped.add(event.shard());
                String failure = e.getCause() != null ? e.getCause().toString() : e.toString();
                LOG.warnf("outbox event %s not acknowledged, will retry: %s", event.id(), failure);
                try (PreparedStatement s = c.prepareStatement(
                        "update outbox_event set attempts = attempts + 1, last_error = ? where id = ?")) {
                    s.setString(1, failure.length() > 1000 ? failure.substring(0, 1000) : failure);
                    s.setObject(2, event.id());
                    s.executeUpdate();
                }
            }
        }
        if (!acknowledged.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(
                    "update outbox_event set sent_at = now(), attempts = attempts + 1 where id = any(?)")) {
                s.setArray(1, c.createArrayOf("uuid", acknowledged.toArray()));
                s.executeUpdate();
            }
        }
        return acknowledged.size();
    }

    /** Drops sent events older than the retention: they are on the topic, the table need not grow forever. */
    public int purgeSentBefore(java.time.Instant cutoff) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("delete from outbox_event where sent_at < ?")) {
            s.setTimestamp(1, java.sql.Timestamp.from(cutoff));
            return s.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf("outbox purge failed: %s", e.getMessage());
            return 0;
        }
    }
}
