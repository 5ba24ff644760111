package io.behalf.consent.deletion;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.UUID;

@Path("/consents/{id}/deletion-confirmation")
public class DeletionResource {

    public record DeletionView(UUID consentId, String ticketId, String what, Instant dueAt, Instant confirmedAt,
            String confirmedBy, boolean reportedOverdue) {
    }

    private final DeletionObligations obligations;

    public DeletionResource(DeletionObligations obligations) {
        this.obligations = obligations;
    }

    /** The engineer attests that the data obtained under this consent was deleted. */
    @POST
    @RolesAllowed("support-engineer")
    public DeletionView confirm(@PathParam("id") UUID consentId, @Context SecurityContext security) {
        DeletionObligation o = obligations.confirm(consentId, security.getUserPrincipal().getName());
        return new DeletionView(o.consentId, o.ticketId, o.what, o.dueAt, o.confirmedAt, o.confirmedBy,
                o.overduePublishedAt != null);
    }
}
