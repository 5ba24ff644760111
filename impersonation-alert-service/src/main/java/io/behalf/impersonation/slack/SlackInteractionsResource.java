package io.behalf.impersonation.slack;

import io.behalf.impersonation.confirmation.Answers;
import io.behalf.impersonation.confirmation.Answers.Answer;
import io.behalf.impersonation.confirmation.Answers.Outcome;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Slack's interactivity endpoint: the admin's button press. Only the database is touched here (the message
 * update and any security alert are Slack tasks run after commit), so Slack gets its answer well within 3 s.
 */
@Path("/slack/interactions")
public class SlackInteractionsResource {

    private static final Logger LOG = Logger.getLogger(SlackInteractionsResource.class);

    private final SlackRequestVerifier verifier;
    private final Answers answers;

    public SlackInteractionsResource(SlackRequestVerifier verifier, Answers answers) {
        this.verifier = verifier;
        this.answers = answers;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response interact(@HeaderParam("X-Slack-Request-Timestamp") String timestamp,
            @HeaderParam("X-Slack-Signature") String signature, String body) {
        verifier.verify(timestamp, signature, body == null ? "" : body, Instant.now());
        var press = ButtonPress.parse(body);
        if (press.isEmpty()) {
            return Response.ok(Map.of("outcome", "IGNORED")).build();
        }
        ButtonPress p = press.get();
        Outcome outcome = answers.answer(signature, p.impersonationId(), p.slackUserId(),
                p.confirms() ? Answer.CONFIRM : Answer.DISPUTE);
        LOG.infof("impersonation %s: %s pressed %s -> %s", p.impersonationId(), p.slackUserId(), p.actionId(), outcome);
        return Response.ok(Map.of("outcome", outcome.name())).build();
    }
}
