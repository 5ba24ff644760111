package io.behalf.audit.checkpoint;

import io.behalf.audit.chain.ChainHead;
import io.behalf.audit.chain.CheckpointSignature;
import io.behalf.audit.query.AuditFilter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.List;

/** The signed checkpoints and the key to check them with: enough to verify an export without the database. */
@Path("/audit/checkpoints")
public class CheckpointResource {

    public record CheckpointView(long id, Instant createdAt, List<ChainHead> heads, String keyId, String signature,
            String message) {
    }

    public record CheckpointsView(String algorithm, String publicKey, String keyId, List<CheckpointView> checkpoints,
            Long next) {
    }

    private final CheckpointKeys keys;

    public CheckpointResource(CheckpointKeys keys) {
        this.keys = keys;
    }

    @GET
    @RolesAllowed("auditor")
    public CheckpointsView list(@QueryParam("after") String after, @QueryParam("limit") String limitParam) {
        int limit = AuditFilter.number("limit", limitParam, 100, 1, 1000);
        long afterId = AuditFilter.number("after", after, 0, 0, Integer.MAX_VALUE);
        List<CheckpointView> page = AuditCheckpoint.page(afterId, limit).stream()
                .map(AuditCheckpoint::toCheckpoint)
                .map(c -> new CheckpointView(c.id(), c.createdAt(), c.heads(), c.keyId(), c.signature(), c.message()))
                .toList();
        Long next = page.size() == limit ? page.get(page.size() - 1).id() : null;
        return new CheckpointsView(CheckpointSignature.ALGORITHM, CheckpointSignature.encode(keys.publicKey()),
                keys.keyId(), page, next);
    }
}
