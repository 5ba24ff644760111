package io.behalf.events.consent;

public record ConsentRevoked(String consentId, String ticketId, String revokedBy, String reason) {
}
