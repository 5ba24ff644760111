package io.behalf.events.impersonation;

import java.time.Instant;

public record ImpersonationConfirmed(String impersonationId, String confirmedBy, Instant confirmedAt) {
}
