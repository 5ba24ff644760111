package io.behalf.events.consent;

import io.behalf.events.OptionalField;

/** {@code decision}: APPROVED or REJECTED. */
public record ReviewDecided(String consentId, String ticketId, String manager, String decision,
        @OptionalField String note) {
}
