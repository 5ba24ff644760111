package io.behalf.events.ticket;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.behalf.events.Person;
import java.time.Instant;

/** {@code public} is false for an internal note, which never counts as the user's answer. */
public record TicketCommentAdded(String ticketId, String commentId, Person author, String body,
        @JsonProperty("public") Boolean isPublic, Instant createdAt) {
}
