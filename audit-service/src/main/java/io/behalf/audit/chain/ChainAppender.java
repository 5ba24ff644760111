package io.behalf.audit.chain;

import io.agroal.api.AgroalDataSource;
import io.behalf.audit.AuditConfig;
import io.behalf.events.audit.AuditRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The only writer of audit_record, and where an event is stored once. Per chain touched by a batch it takes a
 * transaction-scoped advisory lock (one writer per chain, no row locks), drops the events already stored (an
 * event's key, so its chain, never changes: under the lock no other writer can be storing it), reads the head once,
 * computes seq and hashes in memory and inserts the rest with one JDBC batch. Runs in the caller's transaction, so
 * the lock is held until it commits; {@code AuditRecordRelay} publishes the records from the table afterwards.
 */
@ApplicationScoped
public class ChainAppender {

    /** Advisory-lock namespace of the chain writers; chain n takes lock (CHAIN_LOCK, n). */
    public static final int CHAIN_LOCK = 0x0A0D;

    private static final String INSERT = """
            insert into audit_record (chain, seq, event_id, type, source, subject, ticket_id, actor, occurred_at,
                recorded_at, data, notes, prev_hash, hash, spec_version, data_content_type, record_key, topic,
                kafka_partition, kafka_offset)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private final AgroalDataSource dataSource;
    private final int chains;

    public ChainAppender(AgroalDataSource dataSource, AuditConfig config) {
        this.dataSource = dataSource;
        this.chains = config.chains();
    }

    /** Appends the events of the batch not stored yet (a redelivery, or a copy within the batch, adds nothing). */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<AuditRecord> append(List<NewRecord> batch) {
        Instant recordedAt = ChainHash.micros(Instant.now());
        // ascending chain order: two batches that both touch chains 1 and 2 take the locks in the same order
        Map<Integer, Map<String, NewRecord>> byChain = new TreeMap<>();
        for (NewRecord r : batch) {
            byChain.computeIfAbsent(ChainHash.chainOf(r.key(), chains), c -> new LinkedHashMap<>())
                    .putIfAbsent(r.eventId(), r);
        }
        List<AuditRecord> appended = new ArrayList<>(batch.size());
        try (Connection c = dataSource.getConnection()) {
            for (Map.Entry<Integer, Map<String, NewRecord>> chain : byChain.entrySet()) {
                lock(c, chain.getKey());
                Map<String, NewRecord> fresh = chain.getValue();
                fresh.keySet().removeAll(stored(c, fresh.keySet()));
                if (!fresh.isEmpty()) {
                    appendToChain(c, chain.getKey(), fresh.values(), recordedAt, appended);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot append to the audit log: " + e.getMessage(), e);
        }
        return appended;
    }

    private void appendToChain(Connection c, int chain, Collection<NewRecord> records, Instant recordedAt,
            List<AuditRecord> appended) throws SQLException {
        ChainHead head = head(c, chain);
        long seq = head == null ? 0 : head.seq();
        String prevHash = head == null ? ChainHash.GENESIS : head.hash();
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            for (NewRecord n : records) {
                // the stored text is the canonical form of n.data(), the same text the hash covers: written once
                // and used for both (ChainVerifier re-reads it and hashes it again)
                String data = CanonicalJson.write(n.data());
                String notes = StoredRecords.notesJson(n.notes());
                AuditRecord unhashed = new AuditRecord(chain, ++seq, n.eventId(), n.type(), n.source(), n.subject(),
                        n.ticketId(), n.actor(), ChainHash.micros(n.occurredAt()), recordedAt,
                        n.data(), prevHash, null, n.notes() == null ? List.of() : n.notes());
                String hash = ChainHash.of(unhashed, data);
                AuditRecord stored = new AuditRecord(unhashed.chain(), unhashed.seq(), unhashed.eventId(),
                        unhashed.type(), unhashed.source(), unhashed.subject(), unhashed.ticketId(), unhashed.actor(),
                        unhashed.occurredAt(), unhashed.recordedAt(), unhashed.data(), prevHash, hash,
                        unhashed.notes());
                int i = 0;
                insert.setInt(++i, chain);
                insert.setLong(++i, stored.seq());
                insert.setString(++i, stored.eventId());
                insert.setString(++i, stored.type());
                insert.setString(++i, stored.source());
                insert.setString(++i, stored.subject());
                insert.setString(++i, stored.ticketId());
                insert.setString(++i, stored.actor());
                insert.setObject(++i, OffsetDateTime.ofInstant(stored.occurredAt(), ZoneOffset.UTC));
                insert.setObject(++i, OffsetDateTime.ofInstant(stored.recordedAt(), ZoneOffset.UTC));
                insert.setString(++i, data);
                insert.setString(++i, notes);
                insert.setString(++i, prevHash);
                insert.setString(++i, hash);
                NewRecord.Delivery d = n.delivery();
                insert.setString(++i, d.specVersion());
                insert.setString(++i, d.dataContentType());
                insert.setString(++i, d.recordKey());
                insert.setString(++i, d.topic());
                insert.setInt(++i, d.partition());
                insert.setLong(++i, d.offset());
                insert.addBatch();
                appended.add(stored);
                prevHash = hash;
            }
            insert.executeBatch();
        }
    }

    private static void lock(Connection c, int chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select pg_advisory_xact_lock(?, ?)")) {
            s.setInt(1, CHAIN_LOCK);
            s.setInt(2, chain);
            s.execute();
        }
    }

    private static Set<String> stored(Connection c, Set<String> eventIds) throws SQLException {
        Set<String> stored = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("select audit_stored_event_ids(?)")) {
            s.setArray(1, c.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
        }
        return stored;
    }

    private static ChainHead head(Connection c, int chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select seq, hash from audit_record where chain = ? order by seq desc limit 1")) {
            s.setInt(1, chain);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new ChainHead(chain, rs.getLong(1), rs.getString(2)) : null;
            }
        }
    }
}
