package io.behalf.events.consent;

import io.behalf.events.OptionalField;

/** An engineer asks a manager to review ("if in doubt"); manager and decision are not known yet. */
public record ReviewRequested(String consentId, String ticketId, @OptionalField String manager,
        @OptionalField String decision, @OptionalField String note) {
}
