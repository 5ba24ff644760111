package io.behalf.consent.zendesk;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.behalf.events.Person;
import java.time.Instant;

/**
 * The body our Zendesk triggers send to POST /webhooks/zendesk (Zendesk posts whatever JSON the trigger's template
 * defines; this is that template's shape, documented in README.md). People are GitLab identities: the trigger
 * fills them from the Zendesk user's GitLab fields.
 *
 * @param event ticket.created, ticket.comment_added, ticket.ownership_verified or ticket.solved
 */
public record ZendeskTicketEvent(String event, String ticketId, Instant occurredAt, Person requester, String subject,
        Comment comment, Ownership ownership) {

    public record Comment(String id, Person author, String body, @JsonProperty("public") Boolean isPublic) {
    }

    public record Ownership(String accountId, String verifiedBy, String method) {
    }
}
