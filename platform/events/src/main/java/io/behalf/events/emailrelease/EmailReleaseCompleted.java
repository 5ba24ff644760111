package io.behalf.events.emailrelease;

public record EmailReleaseCompleted(String releaseId, String ticketId, String accountId, String oldEmail,
        String newEmail, EmailKind emailKind, String consentId) {
}
