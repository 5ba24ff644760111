package io.behalf.events.impersonation;

import io.behalf.events.OptionalField;
import io.behalf.events.Person;
import java.time.Instant;

public record ImpersonationStarted(String impersonationId, Person admin, ImpersonatedUser user,
        @OptionalField String ip, Instant startedAt, @OptionalField String ticketId) {
}
