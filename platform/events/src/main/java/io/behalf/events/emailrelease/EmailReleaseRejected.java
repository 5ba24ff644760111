package io.behalf.events.emailrelease;

import io.behalf.events.OptionalField;

public record EmailReleaseRejected(String releaseId, String ticketId, String accountId, String code,
        @OptionalField String detail) {
}
