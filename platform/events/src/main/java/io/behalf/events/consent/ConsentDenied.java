package io.behalf.events.consent;

public record ConsentDenied(String consentId, String ticketId, String deniedBy, String evidenceCommentId) {
}
