package io.behalf.events.impersonation;

import io.behalf.events.OptionalField;

/** {@code consentId} is null when no granted IMPERSONATE_USER consent was found for the user. */
public record ConfirmationRequested(String impersonationId, String slackChannel, String slackTs,
        @OptionalField String consentId) {
}
