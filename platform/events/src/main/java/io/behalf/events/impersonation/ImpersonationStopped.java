package io.behalf.events.impersonation;

import java.time.Instant;

public record ImpersonationStopped(String impersonationId, Instant stoppedAt) {
}
