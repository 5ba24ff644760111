package io.behalf.events.consent;

public record ConsentReplyUnclear(String consentId, String ticketId, String commentId, String why) {
}
