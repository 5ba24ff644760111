package io.behalf.events.ticket;

import java.time.Instant;

public record OwnershipVerified(String ticketId, String accountId, String verifiedBy, String method, Instant verifiedAt) {
}
