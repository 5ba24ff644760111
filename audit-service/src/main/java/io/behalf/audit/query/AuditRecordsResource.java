package io.behalf.audit.query;

import io.agroal.api.AgroalDataSource;
import io.behalf.audit.AuditConfig;
import io.behalf.audit.chain.StoredRecords;
import io.behalf.events.EventJson;
import io.behalf.events.audit.AuditRecord;
import io.behalf.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the log: a keyset-paged query and a JSON Lines export of the same filters. */
@Path("/audit")
public class AuditRecordsResource {

    public static final String JSON_LINES = "application/jsonl";

    public record RecordsPage(List<AuditRecord> records, String next) {
    }

    private final AgroalDataSource dataSource;
    private final AuditConfig config;

    public AuditRecordsResource(AgroalDataSource dataSource, AuditConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    @GET
    @Path("/records")
    @RolesAllowed("auditor")
    @Produces(MediaType.APPLICATION_JSON)
    public RecordsPage records(@QueryParam("ticketId") String ticketId, @QueryParam("subject") String subject,
            @QueryParam("type") String type, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("after") String after, @QueryParam("limit") String limit) {
        int pageSize = AuditFilter.number("limit", limit, config.query().defaultLimit(), 1, config.query().maxLimit());
        AuditFilter filter = AuditFilter.of(ticketId, subject, type, from, to, after);
        List<Object> values = new ArrayList<>();
        String sql = "select " + StoredRecords.COLUMNS + " from audit_record" + filter.where(values)
                + " order by chain, seq limit " + pageSize;
        List<AuditRecord> records = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, sql, values);
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                records.add(StoredRecords.readForWriting(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot query the audit log", e);
        }
        String next = null;
        if (records.size() == pageSize) {
            AuditRecord last = records.get(records.size() - 1);
            next = new AuditFilter.Cursor(last.chain(), last.seq()).toString();
        }
        return new RecordsPage(records, next);
    }

    /**
     * Streams every matching record as one JSON line, in (chain, seq) order. Rows come from a server-side cursor
     * ({@code behalf.audit.export.fetch-size} at a time) and go straight to the response, so memory does not grow
     * with the size of the export.
     */
    @GET
    @Path("/export")
    @RolesAllowed("auditor")
    @Produces(JSON_LINES)
    public Response export(@QueryParam("ticketId") String ticketId, @QueryParam("subject") String subject,
            @QueryParam("type") String type, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("after") String after) {
        AuditFilter filter = AuditFilter.of(ticketId, subject, type, from, to, after);
        StreamingOutput body = out -> stream(filter, out);
        return Response.ok(body, JSON_LINES).build();
    }

    private void stream(AuditFilter filter, OutputStream response) throws IOException {
        List<Object> values = new ArrayList<>();
        String sql = "select " + StoredRecords.COLUMNS + " from audit_record" + filter.where(values)
                + " order by chain, seq";
        OutputStream out = new BufferedOutputStream(response, 64 * 1024);
        try (Connection c = dataSource.getConnection()) {
            // the PostgreSQL driver only uses a cursor (fetch size) inside a transaction
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement s = prepare(c, sql, values)) {
                s.setFetchSize(config.export().fetchSize());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.write(EventJson.MAPPER.writeValueAsBytes(StoredRecords.readForWriting(rs)));
                        out.write('\n');
                    }
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("audit export failed: " + e.getMessage(), e));
        }
        out.flush();
    }

    static PreparedStatement prepare(Connection c, String sql, List<Object> values) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        for (int i = 0; i < values.size(); i++) {
            s.setObject(i + 1, values.get(i));
        }
        return s;
    }
}
