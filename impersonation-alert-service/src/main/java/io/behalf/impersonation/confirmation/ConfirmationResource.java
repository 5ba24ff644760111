package io.behalf.impersonation.confirmation;

import io.behalf.impersonation.slack.SlackTask;
import io.behalf.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

@Path("/impersonations")
public class ConfirmationResource {

    public record Party(String userId, String username) {
    }

    public record HistoryEntry(Instant at, String event, String actor, String detail) {
    }

    /** A Slack call made or still to make for this impersonation, and how it went. */
    public record SlackCall(String kind, String reason, String status, int attempts, String lastError) {
    }

    public record ConfirmationView(String impersonationId, Party admin, Party user, String ip, Instant startedAt,
            Instant stoppedAt, String ticketId, String consentId, ConfirmationState state, Instant deadline,
            String slackChannel, String slackTs, String decidedBy, Instant decidedAt, List<SlackCall> slack,
            List<HistoryEntry> history) {

        static ConfirmationView of(Confirmation c) {
            return new ConfirmationView(c.impersonationId, new Party(c.adminUserId, c.adminUsername),
                    new Party(c.userId, c.username), c.ip, c.startedAt, c.stoppedAt, c.ticketId, c.consentId, c.state,
                    c.deadline, c.slackChannel, c.slackTs, c.decidedBy, c.decidedAt,
                    SlackTask.of(c.impersonationId).stream()
                            .map(t -> new SlackCall(t.kind, t.reason, t.status, t.attempts, t.lastError)).toList(),
                    ConfirmationHistory.of(c.impersonationId).stream()
                            .map(h -> new HistoryEntry(h.at, h.event, h.actor, h.detail)).toList());
        }
    }

    @GET
    @Path("/{id}")
    @RolesAllowed("auditor")
    @Produces(MediaType.APPLICATION_JSON)
    public ConfirmationView get(@PathParam("id") String id) {
        return Confirmation.byId(id).map(ConfirmationView::of)
                .orElseThrow(() -> ProblemException.notFound("impersonation " + id));
    }
}
