package io.behalf.audit;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/** Plain JDBC on the service's database, as the superuser the test infrastructure provides. */
public final class AuditDb {

    private AuditDb() {
    }

    public static Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }

    /** The stored rows of these ce_ids, as column maps. */
    public static List<Map<String, Object>> rows(String sql, Object... values) {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(String sql, Object... values) {
        return ((Number) rows(sql, values).get(0).values().iterator().next()).longValue();
    }

    public static long stored(String eventId) {
        return count("select count(*) from audit_record where event_id = ?", eventId);
    }

    public static void awaitStored(String eventId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> stored(eventId) == 1);
    }

    public static io.behalf.events.audit.AuditRecord record(int chain, long seq) {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("select "
                + io.behalf.audit.chain.StoredRecords.COLUMNS + " from audit_record where chain = ? and seq = ?")) {
            s.setInt(1, chain);
            s.setLong(2, seq);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return io.behalf.audit.chain.StoredRecords.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void execute(String... statements) {
        try (Connection c = connect(); var s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : statements) {
                s.execute(sql);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
