package io.behalf.events.consent;

public record DeletionConfirmed(String ticketId, String consentId, String confirmedBy) {
}
