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

    /** Relays what is pending now in every shard this relay could lock; returns how many events were sent. */
    public int relayOnce() {
        return relayOnce(shards);
    }

    /**
     * Relays only the given shards: after a commit only the shards it wrote to can have new events, and trying the
     * others costs a connection, a lock and a query each for nothing.
     */
    public int relayOnce(java.util.Collection<Integer> dirty) {
        int sent = 0;
        for (int shard : dirty) {
            try {
                sent += relayShard(shard);
            } catch (SQLException e) {
                LOG.warnf("outbox shard %d not relayed this round: %s", shard, e.getMessage());
            }
        }
        return sent;
    }

    private int relayShard(int shard) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!tryLock(c, shard)) {
                    c.rollback();
                    return 0;
                }
                List<OutboxEvent> pending = pending(c, shard);
                int sent = publishInOrder(c, pending);
                c.commit();
                return sent;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private boolean tryLock(Connection c, int shard) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select pg_try_advisory_xact_lock(?, ?)")) {
            s.setInt(1, RELAY_LOCK);
            s.setInt(2, shard);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private List<OutboxEvent> pending(Connection c, int shard) throws SQLException {
        List<OutboxEvent> events = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                select id, position, topic, record_key, type, source, subject, occurred_at, payload
                from outbox_event where shard = ? and sent_at is null order by position limit ?""")) {
            s.setInt(1, shard);
            s.setInt(2, batchSize);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    events.add(new OutboxEvent(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getTimestamp(8).toInstant(), rs.getString(9)));
                }
            }
        }
        return events;
    }

    /**
     * Sends the whole batch, then marks sent the longest prefix the broker acknowledged: a later event is never
     * marked while an earlier one of the shard is still pending. This keeps per-key order because the idempotent
     * producer fails every later in-flight record of a partition once one of them failed; the records after the
     * failure are sent again, in order, by the next round (consumers drop the copies by {@code ce_id}).
     */
    private int publishInOrder(Connection c, List<OutboxEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>(events.size());
        for (OutboxEvent event : events) {
            CompletableFuture<Void> ack;
            try {
                ack = publisher.publish(event).toCompletableFuture();
            } catch (RuntimeException e) {
                ack = CompletableFuture.failedFuture(e);
            }
            acks.add(ack);
        }
        List<UUID> acknowledged = new ArrayList<>();
        String failure = null;
        UUID failed = null;
        for (int i = 0; i < events.size(); i++) {
            try {
                acks.get(i).get(30, TimeUnit.SECONDS);
                acknowledged.add(events.get(i).id());
            } catch (Exception e) {
                failed = events.get(i).id();
                failure = e.getCause() != null ? e.getCause().toString() : e.toString();
                break;
            }
        }
        if (!acknowledged.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(
                    "update outbox_event set sent_at = now(), attempts = attempts + 1 where id = any(?)")) {
                s.setArray(1, c.createArrayOf("uuid", acknowledged.toArray()));
                s.executeUpdate();
            }
        }
        if (failed != null) {
            LOG.warnf("outbox event %s not acknowledged, will retry: %s", failed, failure);
            try (PreparedStatement s = c.prepareStatement(
                    "update outbox_event set attempts = attempts + 1, last_error = ? where id = ?")) {
                s.setString(1, failure.length() > 1000 ? failure.substring(0, 1000) : failure);
                s.setObject(2, failed);
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
