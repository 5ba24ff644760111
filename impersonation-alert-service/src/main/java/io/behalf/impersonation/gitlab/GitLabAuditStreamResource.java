package io.behalf.impersonation.gitlab;

import io.behalf.web.ProblemException;
import io.behalf.web.Signatures;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** GitLab's audit-event stream destination. GitLab authenticates with a static token header. */
@Path("/gitlab/audit-events")
public class GitLabAuditStreamResource {

    public static final String TOKEN_HEADER = "X-Gitlab-Event-Streaming-Token";

    private final ImpersonationStream stream;
    private final Optional<String> streamToken;

    public GitLabAuditStreamResource(ImpersonationStream stream,
            @ConfigProperty(name = "behalf.gitlab.audit-stream-token") Optional<String> streamToken) {
        this.stream = stream;
        this.streamToken = streamToken.filter(t -> !t.isBlank());
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public ImpersonationStream.Result receive(@HeaderParam(TOKEN_HEADER) String token,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        // no configured token refuses everything: an open receiver would let anyone forge impersonations
        if (streamToken.isEmpty() || !Signatures.constantTimeEquals(streamToken.get(), token)) {
            throw new ProblemException(Response.Status.UNAUTHORIZED, "bad-stream-token",
                    "missing or wrong " + TOKEN_HEADER);
        }
        return stream.accept(GitLabAuditEvent.parse(contentType, body));
    }
}
