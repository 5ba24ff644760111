package io.behalf.audit.verify;

import io.agroal.api.AgroalDataSource;
import io.behalf.audit.AuditConfig;
import io.behalf.audit.chain.ChainVerifier;
import io.behalf.audit.chain.Checkpoint;
import io.behalf.audit.chain.StoredRecords;
import io.behalf.audit.checkpoint.CheckpointKeys;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Recomputes every chain from the database and checks every checkpoint. One repeatable-read transaction gives
 * the checkpoints and the records from one snapshot; the records stream through a cursor, so memory stays flat
 * however long the log.
 */
@ApplicationScoped
public class ChainVerification {

    private final AgroalDataSource dataSource;
    private final CheckpointKeys keys;
    private final int fetchSize;

    public ChainVerification(AgroalDataSource dataSource, CheckpointKeys keys, AuditConfig config) {
        this.dataSource = dataSource;
        this.keys = keys;
        this.fetchSize = config.export().fetchSize();
    }

    public ChainVerifier.Result verify() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                ChainVerifier verifier = new ChainVerifier(true, keys.publicKey(), checkpoints(c));
                try (PreparedStatement s = c.prepareStatement("select " + StoredRecords.COLUMNS
                        + " from audit_record order by chain, seq")) {
                    s.setFetchSize(fetchSize);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            verifier.accept(StoredRecords.read(rs));
                        }
                    }
                }
                return verifier.result();
            } finally {
                c.rollback();
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit log: " + e.getMessage(), e);
        }
    }

    private static List<Checkpoint> checkpoints(Connection c) throws SQLException {
        List<Checkpoint> checkpoints = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "select id, created_at, heads, key_id, signature from audit_checkpoint order by id");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                checkpoints.add(new Checkpoint(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                        Checkpoint.readHeads(rs.getString(3)), rs.getString(4), rs.getString(5)));
            }
        }
        return checkpoints;
    }
}
