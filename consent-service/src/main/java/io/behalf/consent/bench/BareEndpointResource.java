package io.behalf.consent.bench;

import io.behalf.consent.consent.ConsentCheck;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The baseline of the {@code GET /consents/check} benchmark: the same HTTP stack, JWT verification, role check,
 * query parameters and JSON answer, without the database. It exists only where {@code behalf.bench.bare-endpoint}
 * is true (the benchmark suite sets it); everywhere else it answers 404 like any unknown path.
 */
@Path("/bench/bare")
public class BareEndpointResource {

    private final boolean enabled;

    public BareEndpointResource(@ConfigProperty(name = "behalf.bench.bare-endpoint", defaultValue = "false") boolean enabled) {
        this.enabled = enabled;
    }

    @GET
    @RolesAllowed("support-engineer")
    @Operation(hidden = true)
    public ConsentCheck.Answer bare(@QueryParam("ticketId") String ticketId, @QueryParam("action") String action,
            @QueryParam("targetKind") String targetKind, @QueryParam("targetId") String targetId) {
        if (!enabled) {
            throw new NotFoundException();
        }
        return new ConsentCheck.Answer(false, null, "bare endpoint: " + ticketId + " " + action + " " + targetKind + " " + targetId);
    }
}
