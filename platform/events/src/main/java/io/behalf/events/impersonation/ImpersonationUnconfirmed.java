package io.behalf.events.impersonation;

import java.time.Instant;

public record ImpersonationUnconfirmed(String impersonationId, Instant deadline) {
}
