package io.behalf.consent.consent;

import io.behalf.events.Action;
import io.behalf.events.EventType;
import io.behalf.events.TargetKind;
import io.behalf.events.consent.ConsentRequested;
import io.behalf.events.consent.Granter;
import io.behalf.messaging.Outbox;
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
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

@Path("/consents")
public class ConsentResource {

    public record TargetRequest(@NotNull TargetKind kind, @NotBlank String id, String path) {
    }

    public record ConsentRequest(@NotBlank String ticketId, @NotNull Action action, @NotNull @Valid TargetRequest target,
            String details, String requestedBy) {
    }

    public record HistoryEntry(Instant at, String event, String actor, String detail) {
    }

    public record ConsentView(UUID consentId, String ticketId, Action action, TargetRequest target, String details,
            String requestedBy, Granter granter, String message, ConsentStatus status, Instant requestedAt,
            Instant expiresAt, Instant validUntil, String endReason, List<HistoryEntry> history) {

        static ConsentView of(Consent c) {
            return new ConsentView(c.id, c.ticketId, c.action, new TargetRequest(c.targetKind, c.targetId, c.targetPath),
                    c.details, c.requestedBy, c.granter, c.message, c.status, c.requestedAt, c.expiresAt, c.validUntil,
                    c.endReason, ConsentHistory.of(c.id).stream()
                            .map(h -> new HistoryEntry(h.at, h.event, h.actor, h.detail)).toList());
        }
    }

    private final Outbox outbox;
    private final Duration pendingTtl;

    public ConsentResource(Outbox outbox, @ConfigProperty(name = "behalf.consent.pending-ttl") Duration pendingTtl) {
        this.outbox = outbox;
        this.pendingTtl = pendingTtl;
    }

    @POST
    @RolesAllowed("support-engineer")
    @Transactional
    public Response request(@Valid @NotNull ConsentRequest request, @Context SecurityContext security) {
        if (request.action() == Action.OTHER && (request.details() == null || request.details().isBlank())) {
            throw ProblemException.badRequest("action OTHER needs details saying what Support will do");
        }
        Consent consent = new Consent();
        consent.id = UUID.randomUUID();
        consent.ticketId = request.ticketId();
        consent.action = request.action();
        consent.targetKind = request.target().kind();
        consent.targetId = request.target().id();
        consent.targetPath = request.target().path();
        consent.details = request.details();
        consent.requestedBy = security.getUserPrincipal().getName();
        consent.granter = request.target().kind() == TargetKind.USER ? Granter.ACCOUNT_HOLDER : Granter.OWNER_OR_MAINTAINER;
        consent.message = "Could you please provide permission for Support to " + request.action() + " on "
                + request.target().kind() + " " + request.target().id()
                + "? Replying in this ticket stating you provide permission will be sufficient.";
        consent.status = ConsentStatus.PENDING;
        consent.requestedAt = Instant.now();
        consent.expiresAt = consent.requestedAt.plus(pendingTtl);
        consent.persist();
        ConsentHistory.record(consent.id, "REQUESTED", consent.requestedBy, null);
        outbox.publish(EventType.CONSENT_REQUESTED, consent.ticketId, consent.id.toString(),
                new ConsentRequested(consent.id.toString(), consent.ticketId, consent.action, consent.target(),
                        consent.details, consent.requestedBy, consent.granter, consent.message, consent.expiresAt));
        return Response.status(Response.Status.CREATED).entity(ConsentView.of(consent)).build();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({"support-engineer", "auditor"})
    public ConsentView get(@PathParam("id") UUID id) {
        return Consent.<Consent>findByIdOptional(id).map(ConsentView::of)
                .orElseThrow(() -> ProblemException.notFound("consent " + id));
    }
}
