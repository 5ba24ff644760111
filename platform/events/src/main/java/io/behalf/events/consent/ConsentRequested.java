package io.behalf.events.consent;

import io.behalf.events.Action;
import io.behalf.events.OptionalField;
import io.behalf.events.Target;
import java.time.Instant;

/** {@code message} is the exact permission question posted to the ticket. */
public record ConsentRequested(String consentId, String ticketId, Action action, Target target,
        @OptionalField String details, String requestedBy, Granter granter, String message, Instant expiresAt) {
}
