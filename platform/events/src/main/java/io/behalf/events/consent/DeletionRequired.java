package io.behalf.events.consent;

import java.time.Instant;

public record DeletionRequired(String ticketId, String consentId, String what, Instant dueAt) {
}
