package io.behalf.events.ticket;

import io.behalf.events.OptionalField;
import io.behalf.events.Person;
import java.time.Instant;

public record TicketOpened(String ticketId, Person requester, @OptionalField String subject, Instant openedAt) {
}
