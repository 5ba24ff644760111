package io.behalf.consent.consent;

import io.behalf.events.Action;
import io.behalf.events.Target;
import io.behalf.events.TargetKind;
import io.behalf.events.consent.Granter;
import io.behalf.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

@Path("/consents")
public class ConsentResource {

    public record TargetRequest(@NotNull TargetKind kind, @NotBlank String id, String path) {
    }

    /**
     * {@code requestedBy} is accepted for DESIGN.md's shape, but the consent records the authenticated caller:
     * who asked is taken from the token, never from the body.
     */
    public record ConsentRequest(@NotBlank String ticketId, @NotNull Action action, @NotNull @Valid TargetRequest target,
            String details, String requestedBy) {
    }

    public record RevokeRequest(@NotBlank String reason) {
    }

    public record HistoryEntry(Instant at, String event, String actor, String detail) {
    }

    public record ConsentView(UUID consentId, String ticketId, Action action, TargetRequest target, String details,
            String requestedBy, Granter granter, String message, ConsentStatus status, Instant requestedAt,
            Instant expiresAt, String grantedBy, String grantedByRole, String evidenceCommentId, Instant validUntil,
            String endReason, String reviewStatus, List<HistoryEntry> history) {

        static ConsentView of(Consent c) {
            return new ConsentView(c.id, c.ticketId, c.action, new TargetRequest(c.targetKind, c.targetId, c.targetPath),
                    c.details, c.requestedBy, c.granter, c.message, c.status, c.requestedAt, c.expiresAt,
                    c.grantedByUsername, c.grantedByRole, c.evidenceCommentId, c.validUntil, c.endReason,
                    c.reviewStatus, ConsentHistory.of(c.id).stream()
                            .map(h -> new HistoryEntry(h.at, h.event, h.actor, h.detail)).toList());
        }
    }

    private final ConsentRequests requests;
    private final ConsentLifecycle lifecycle;
    private final ConsentCheck consentCheck;

    public ConsentResource(ConsentRequests requests, ConsentLifecycle lifecycle, ConsentCheck consentCheck) {
        this.requests = requests;
        this.lifecycle = lifecycle;
        this.consentCheck = consentCheck;
    }

    @POST
    @RolesAllowed("support-engineer")
    public Response request(@Valid @NotNull ConsentRequest request, @Context SecurityContext security) {
        TargetRequest t = request.target();
        Consent consent = requests.request(request.ticketId(), request.action(), new Target(t.kind(), t.id(), t.path()),
                request.details(), security.getUserPrincipal().getName());
        return Response.status(Response.Status.CREATED).entity(ConsentView.of(consent)).build();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({"support-engineer", "auditor"})
    @Transactional
    public ConsentView get(@PathParam("id") UUID id) {
        return Consent.<Consent>findByIdOptional(id).map(ConsentView::of)
                .orElseThrow(() -> ProblemException.notFound("consent " + id));
    }

    @GET
    @RolesAllowed({"support-engineer", "auditor"})
    @Transactional
    public List<ConsentView> onTicket(@QueryParam("ticketId") @NotBlank String ticketId) {
        return Consent.onTicket(ticketId).stream().map(ConsentView::of).toList();
    }

    @GET
    @Path("/check")
    @RolesAllowed("support-engineer")
    // one read, so no transaction: a JTA begin and commit cost more than the query under load (bench/README.md)
    public ConsentCheck.Answer check(@QueryParam("ticketId") @NotBlank String ticketId,
            @QueryParam("action") @NotNull Action action, @QueryParam("targetKind") @NotNull TargetKind targetKind,
            @QueryParam("targetId") @NotBlank String targetId) {
        return consentCheck.check(ticketId, action, targetKind, targetId, Instant.now());
    }

    @POST
    @Path("/{id}/revoke")
    @RolesAllowed({"support-engineer", "support-manager"})
    @Transactional
    public ConsentView revoke(@PathParam("id") UUID id, @Valid @NotNull RevokeRequest request,
            @Context SecurityContext security) {
        Consent consent = Consent.lockById(id).orElseThrow(() -> ProblemException.notFound("consent " + id));
        lifecycle.revoke(consent, security.getUserPrincipal().getName(), request.reason().strip());
        return ConsentView.of(consent);
    }
}
