package io.behalf.events.ticket;

import java.time.Instant;

public record TicketSolved(String ticketId, Instant solvedAt) {
}
