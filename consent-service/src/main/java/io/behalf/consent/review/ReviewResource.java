package io.behalf.consent.review;

import io.behalf.consent.consent.Consent;
import io.behalf.consent.consent.ConsentLifecycle;
import io.behalf.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.util.UUID;

/** "If in doubt, please ask a Support manager to review": the manager's decision, recorded and published. */
@Path("/consents/{id}/review")
public class ReviewResource {

    public enum Decision { APPROVED, REJECTED }

    public record ReviewRequest(@NotNull Decision decision, String note) {
    }

    public record ReviewView(UUID consentId, String reviewStatus, String reviewedBy) {
    }

    private final ConsentLifecycle lifecycle;

    public ReviewResource(ConsentLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @POST
    @RolesAllowed("support-manager")
    @Transactional
    public ReviewView decide(@PathParam("id") UUID id, @Valid @NotNull ReviewRequest request,
            @Context SecurityContext security) {
        Consent consent = Consent.lockById(id).orElseThrow(() -> ProblemException.notFound("consent " + id));
        lifecycle.decideReview(consent, security.getUserPrincipal().getName(), request.decision().name(),
                request.note());
        return new ReviewView(consent.id, consent.reviewStatus, consent.reviewedBy);
    }
}
