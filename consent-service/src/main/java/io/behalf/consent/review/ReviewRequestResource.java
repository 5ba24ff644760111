package io.behalf.consent.review;

import io.behalf.consent.consent.Consent;
import io.behalf.consent.consent.ConsentLifecycle;
import io.behalf.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.util.UUID;

/** An engineer in doubt marks a consent as needing a manager's review; until approved it allows nothing. */
@Path("/consents/{id}/review-request")
public class ReviewRequestResource {

    public record ReviewRequestBody(String note) {
    }

    private final ConsentLifecycle lifecycle;

    public ReviewRequestResource(ConsentLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @POST
    @RolesAllowed("support-engineer")
    @Transactional
    public ReviewResource.ReviewView request(@PathParam("id") UUID id, ReviewRequestBody body,
            @Context SecurityContext security) {
        Consent consent = Consent.lockById(id).orElseThrow(() -> ProblemException.notFound("consent " + id));
        lifecycle.requestReview(consent, security.getUserPrincipal().getName(), body == null ? null : body.note());
        return new ReviewResource.ReviewView(consent.id, consent.reviewStatus, consent.reviewedBy);
    }
}
