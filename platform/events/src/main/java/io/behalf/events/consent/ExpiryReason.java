package io.behalf.events.consent;

public enum ExpiryReason {
    TTL, TICKET_SOLVED
}
