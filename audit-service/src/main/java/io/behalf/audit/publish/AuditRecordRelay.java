package io.behalf.audit.publish;

import io.agroal.api.AgroalDataSource;
import io.behalf.audit.AuditConfig;
import io.behalf.audit.chain.StoredRecords;
import io.behalf.audit.ingest.AuditEntries;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.audit.AuditRecord;
import io.behalf.messaging.KafkaOutboxPublisher;
import io.behalf.messaging.OutboxEvent;
import io.behalf.messaging.OutboxPublisher;
import io.behalf.messaging.OutboxRelayJob;
import io.behalf.messaging.RelayNudges;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes the stored records on audit.records: the log is its own outbox. A record commits once, with its hash,
 * and each chain is published in seq order from its cursor in audit_publication (the highest seq the broker
 * acknowledged), so ingest writes no second copy of each record. Several instances may run this at once: a chain is
 * relayed under an advisory lock, taken with try, by one relay at a time. A crash between the broker's ack and the
 * cursor's update publishes records again, under the same ce_id (derived from the record's eventId), so consumers
 * drop the copies.
 */
@ApplicationScoped
public class AuditRecordRelay {

    private static final Logger LOG = Logger.getLogger(AuditRecordRelay.class);
    /** Advisory-lock namespace of the publishers; chain n takes lock (PUBLISH_LOCK, n). */
    public static final int PUBLISH_LOCK = 0x0A0F;
    private static final String SOURCE = "/behalf/audit-service";

    private final AgroalDataSource dataSource;
    private final OutboxPublisher publisher;
    private final Set<Integer> allChains;
    private final int batchSize;
    private final boolean enabled;
    private final RelayNudges nudges = new RelayNudges("audit-record-relay", this::relay);

    public AuditRecordRelay(AgroalDataSource dataSource, KafkaOutboxPublisher publisher, AuditConfig config,
            @ConfigProperty(name = "behalf.outbox.batch-size") int batchSize,
            @ConfigProperty(name = "behalf.outbox.enabled", defaultValue = "true") boolean enabled) {
        this.dataSource = dataSource;
        this.publisher = publisher;
        this.allChains = IntStream.range(0, config.chains()).boxed().collect(Collectors.toUnmodifiableSet());
        this.batchSize = batchSize;
        this.enabled = enabled;
    }

    /** The ce_id a record is published under, the same on every publication of it. */
    public static UUID cloudEventId(String eventId) {
        return UUID.nameUUIDFromBytes((EventType.AUDIT_RECORD.type() + ":" + eventId).getBytes(StandardCharsets.UTF_8));
    }

    /** Call after a transaction that appended to these chains committed: their new records go out within ms. */
    public void nudge(Set<Integer> chains) {
        if (enabled && !chains.isEmpty()) {
            nudges.nudge(chains);
        }
    }

    /** The safety net: records a crashed instance or a failed send left behind. */
    @Scheduled(identity = "audit-record-relay", every = "${behalf.outbox.poll-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = OutboxRelayJob.RelayDisabled.class)
    void relayAll() {
        relay(allChains);
    }

    private synchronized void relay(Set<Integer> chains) {
        while (relayOnce(chains) == batchSize) {
            // a full round may have left more behind
        }
    }

    /** One round in one transaction: the chains it can lock, a batch of each one's unpublished records. */
    int relayOnce(Collection<Integer> chains) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int sent = 0;
                for (int chain : chains) {
                    if (tryLock(c, chain)) {
                        sent = Math.max(sent, publishChain(c, chain));
                    }
                }
                c.commit();
                return sent;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            LOG.warnf("audit chains %s not published this round: %s", chains, e.getMessage());
            return 0;
        }
    }

    /**
     * Sends a batch of the chain's records, then moves its cursor past the longest prefix the broker acknowledged:
     * the idempotent producer fails every later in-flight record of a partition once one failed, and the next round
     * sends them again, in order.
     */
    private int publishChain(Connection c, int chain) throws SQLException {
        long cursor = cursor(c, chain);
        List<Unpublished> records = unpublished(c, chain, cursor);
        List<CompletableFuture<Void>> acks = publisher.publishRound(records, u -> {
            AuditRecord r = u.record();
            return new OutboxEvent(cloudEventId(r.eventId()), r.seq(), EventType.AUDIT_RECORD.topic(), u.key(),
                    EventType.AUDIT_RECORD.type(), SOURCE, r.subject(), r.recordedAt(), EventJson.write(r), chain);
        });
        long acknowledged = cursor;
        int sent = 0;
        for (int i = 0; i < records.size(); i++) {
            try {
                acks.get(i).get(30, TimeUnit.SECONDS);
                acknowledged = records.get(i).record().seq();
                sent++;
            } catch (Exception e) {
                LOG.warnf("audit record %d of chain %d not acknowledged, will retry: %s", records.get(i).record().seq(), chain,
                        e.getCause() != null ? e.getCause() : e);
                break;
            }
        }
        if (acknowledged > cursor) {
            try (PreparedStatement s = c.prepareStatement("""
                    insert into audit_publication (chain, published_seq) values (?, ?)
                    on conflict (chain) do update set published_seq = excluded.published_seq""")) {
                s.setInt(1, chain);
                s.setLong(2, acknowledged);
                s.executeUpdate();
            }
        }
        return sent;
    }

    private static boolean tryLock(Connection c, int chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select pg_try_advisory_xact_lock(?, ?)")) {
            s.setInt(1, PUBLISH_LOCK);
            s.setInt(2, chain);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static long cursor(Connection c, int chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select published_seq from audit_publication where chain = ?")) {
            s.setInt(1, chain);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** A stored record and the key it is published under, the key that picked its chain. */
    private record Unpublished(AuditRecord record, String key) {
    }

    private List<Unpublished> unpublished(Connection c, int chain, long cursor) throws SQLException {
        List<Unpublished> records = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("select " + StoredRecords.COLUMNS
                + ", record_key from audit_record where chain = ? and seq > ? order by seq limit ?")) {
            s.setInt(1, chain);
            s.setLong(2, cursor);
            s.setInt(3, batchSize);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    AuditRecord r = StoredRecords.readForWriting(rs);
                    records.add(new Unpublished(r,
                            AuditEntries.keyOf(r.ticketId(), r.subject(), rs.getString("record_key"), r.eventId())));
                }
            }
        }
        return records;
    }

    @PreDestroy
    void stop() {
        nudges.close();
    }
}
