package io.behalf.events.emailrelease;

public record EmailReleaseRequested(String releaseId, String ticketId, String accountId, String email,
        EmailKind emailKind, ReleaseReason reason, String requestedBy) {
}
