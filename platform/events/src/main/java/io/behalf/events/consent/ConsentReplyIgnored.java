package io.behalf.events.consent;

/**
 * A reply from someone who may not grant this consent: it changes nothing, but is kept in the audit log.
 * Not in DESIGN.md's table; added because rule 2 asks that such a reply be recorded.
 */
public record ConsentReplyIgnored(String consentId, String ticketId, String commentId, String authorUserId,
        String why) {
}
