package io.behalf.events.consent;

public record ConsentExpired(String consentId, String ticketId, ExpiryReason reason) {
}
