package io.behalf.events.consent;

import java.time.Instant;

public record DeletionOverdue(String ticketId, String consentId, Instant dueAt) {
}
