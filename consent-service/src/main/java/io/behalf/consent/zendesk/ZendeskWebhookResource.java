package io.behalf.consent.zendesk;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.behalf.events.EventJson;
import io.behalf.events.EventType;
import io.behalf.events.InvalidEventException;
import io.behalf.events.ticket.OwnershipVerified;
import io.behalf.events.ticket.TicketCommentAdded;
import io.behalf.events.ticket.TicketOpened;
import io.behalf.events.ticket.TicketSolved;
import io.behalf.messaging.Outbox;
import io.behalf.web.ProblemException;
import io.behalf.web.Signatures;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Upstream ticket events from Zendesk into ticket.events. The signature is checked over the raw body before
 * anything is read from it; a request that fails the check publishes nothing.
 */
@Path("/webhooks/zendesk")
public class ZendeskWebhookResource {

    static final String SIGNATURE = "X-Zendesk-Webhook-Signature";
    static final String TIMESTAMP = "X-Zendesk-Webhook-Signature-Timestamp";

    private final Outbox outbox;
    private final Optional<String> secret;

    public ZendeskWebhookResource(Outbox outbox,
            @ConfigProperty(name = "behalf.zendesk.webhook-secret") Optional<String> secret) {
        this.outbox = outbox;
        this.secret = secret.filter(s -> !s.isBlank());
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Transactional
    public Response receive(String body, @HeaderParam(SIGNATURE) String signature,
            @HeaderParam(TIMESTAMP) String timestamp) {
        verify(body == null ? "" : body, signature, timestamp);
        ZendeskTicketEvent event = parse(body);
        if (event == null) {
            throw ProblemException.badRequest("the body is empty");
        }
        EventType type;
        Record payload;
        try {
            switch (event.event() == null ? "" : event.event()) {
                case "ticket.created" -> {
                    type = EventType.TICKET_OPENED;
                    payload = new TicketOpened(event.ticketId(), event.requester(), event.subject(), event.occurredAt());
                }
                case "ticket.comment_added" -> {
                    ZendeskTicketEvent.Comment c = required(event.comment(), "comment");
                    type = EventType.TICKET_COMMENT_ADDED;
                    payload = new TicketCommentAdded(event.ticketId(), c.id(), c.author(), c.body(), c.isPublic(),
                            event.occurredAt());
                }
                case "ticket.ownership_verified" -> {
                    ZendeskTicketEvent.Ownership o = required(event.ownership(), "ownership");
                    type = EventType.TICKET_OWNERSHIP_VERIFIED;
                    payload = new OwnershipVerified(event.ticketId(), o.accountId(), o.verifiedBy(), o.method(),
                            event.occurredAt());
                }
                case "ticket.solved" -> {
                    type = EventType.TICKET_SOLVED;
                    payload = new TicketSolved(event.ticketId(), event.occurredAt());
                }
                default -> throw ProblemException.unprocessable("unknown-webhook-event",
                        "event must be ticket.created, ticket.comment_added, ticket.ownership_verified or ticket.solved");
            }
            // the same validation every consumer applies: a record missing a required field is never published
            EventJson.read(EventJson.write(payload), type.payload());
        } catch (InvalidEventException e) {
            throw ProblemException.badRequest(e.getMessage());
        }
        outbox.publish(type, event.ticketId(), event.ticketId(), payload);
        return Response.accepted(Map.of("type", type.type(), "ticketId", event.ticketId())).build();
    }

    private void verify(String body, String signature, String timestamp) {
        if (secret.isEmpty()) {
            throw unauthorized("no webhook secret is configured; every request is refused");
        }
        if (signature == null || timestamp == null) {
            throw unauthorized("missing " + SIGNATURE + " or " + TIMESTAMP);
        }
        if (!Signatures.fresh(parseTime(timestamp), Instant.now())) {
            throw unauthorized("the signature timestamp is not within " + Signatures.REPLAY_WINDOW.toMinutes()
                    + " minutes of now");
        }
        String expected = Base64.getEncoder().encodeToString(Signatures.hmacSha256(secret.get(), timestamp + body));
        if (!Signatures.constantTimeEquals(expected, signature.strip())) {
            throw unauthorized("the signature does not match");
        }
    }

    private static Instant parseTime(String timestamp) {
        try {
            return OffsetDateTime.parse(timestamp.strip()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static ZendeskTicketEvent parse(String body) {
        try {
            return EventJson.MAPPER.readValue(body, ZendeskTicketEvent.class);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("the body is not the documented webhook JSON: " + e.getOriginalMessage());
        }
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new InvalidEventException("missing required field '" + field + "'");
        }
        return value;
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(Response.Status.UNAUTHORIZED, "bad-signature", detail);
    }
}
