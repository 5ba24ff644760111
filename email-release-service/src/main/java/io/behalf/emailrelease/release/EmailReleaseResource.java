package io.behalf.emailrelease.release;

import io.behalf.events.EventType;
import io.behalf.events.emailrelease.EmailKind;
import io.behalf.events.emailrelease.EmailReleaseRequested;
import io.behalf.events.emailrelease.ReleaseReason;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/**
 * Accepts release requests and shows how they went. Accepting only records the request and publishes
 * {@code behalf.email-release.requested}: the work is driven by that event, like a request from any producer.
 */
@Path("/email-releases")
public class EmailReleaseResource {

    public record ReleaseRequest(@NotBlank String ticketId, @NotBlank String accountId,
            @NotBlank @EmailAddress String email, @NotNull EmailKind emailKind, @NotNull ReleaseReason reason) {
    }

    public record Accepted(String releaseId, ReleaseStatus status) {
    }

    /** {@code code} and {@code detail} say why a release was rejected; {@code newEmail} what it became. */
    public record ReleaseView(String releaseId, String ticketId, String accountId, String email, EmailKind emailKind,
            ReleaseReason reason, String requestedBy, ReleaseStatus status, ReleaseStep step, String consentId,
            String newEmail, String code, String detail, int attempts, String lastError, Instant requestedAt,
            Instant updatedAt, Instant finishedAt) {

        static ReleaseView of(EmailRelease r) {
            return new ReleaseView(r.id, r.ticketId, r.accountId, r.email, r.emailKind, r.reason, r.requestedBy,
                    r.status, r.step, r.consentId, r.status == ReleaseStatus.COMPLETED ? r.newEmail : null, r.code,
                    r.detail, r.attempts, r.lastError, r.requestedAt, r.updatedAt, r.finishedAt);
        }
    }

    private final Outbox outbox;

    public EmailReleaseResource(Outbox outbox) {
        this.outbox = outbox;
    }

    @POST
    @RolesAllowed("support-engineer")
    @Transactional
    public Response request(@Valid @NotNull ReleaseRequest request, @Context SecurityContext security) {
        Instant now = Instant.now();
        EmailRelease release = new EmailRelease();
        release.id = UUID.randomUUID().toString();
        release.ticketId = request.ticketId();
        release.accountId = request.accountId();
        release.email = request.email();
        release.emailKind = request.emailKind();
        release.reason = request.reason();
        release.requestedBy = security.getUserPrincipal().getName();
        release.status = ReleaseStatus.REQUESTED;
        release.requestedAt = now;
        release.updatedAt = now;
        release.persist();
        outbox.publish(EventType.EMAIL_RELEASE_REQUESTED, release.accountId, release.id,
                new EmailReleaseRequested(release.id, release.ticketId, release.accountId, release.email,
                        release.emailKind, release.reason, release.requestedBy));
        return Response.accepted(new Accepted(release.id, release.status))
                .location(URI.create("/email-releases/" + release.id)).build();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({"support-engineer", "auditor"})
    public ReleaseView get(@PathParam("id") String id) {
        return EmailRelease.<EmailRelease>findByIdOptional(id).map(ReleaseView::of)
                .orElseThrow(() -> ProblemException.notFound("email release " + id));
    }
}
