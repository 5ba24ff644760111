package io.behalf.audit.checkpoint;

import io.behalf.audit.chain.ChainHead;
import io.behalf.audit.chain.CheckpointSignature;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
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
    public CheckpointsView list(@QueryParam("after") @DefaultValue("0") long after,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
        List<CheckpointView> page = AuditCheckpoint.page(after, limit).stream()
                .map(AuditCheckpoint::toCheckpoint)
                .map(c -> new CheckpointView(c.id(), c.createdAt(), c.heads(), c.keyId(), c.signature(), c.message()))
                .toList();
        Long next = page.size() == limit ? page.get(page.size() - 1).id() : null;
        return new CheckpointsView(CheckpointSignature.ALGORITHM, CheckpointSignature.encode(keys.publicKey()),
                keys.keyId(), page, next);
    }
}
