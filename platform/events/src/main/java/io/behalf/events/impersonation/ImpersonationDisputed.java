package io.behalf.events.impersonation;

import java.time.Instant;

public record ImpersonationDisputed(String impersonationId, String disputedBy, Instant disputedAt) {
}
