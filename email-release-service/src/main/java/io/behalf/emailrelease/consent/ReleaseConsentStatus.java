package io.behalf.emailrelease.consent;

public enum ReleaseConsentStatus {
    PENDING, GRANTED, DENIED, REVOKED, EXPIRED;

    public boolean ended() {
        return this == DENIED || this == REVOKED || this == EXPIRED;
    }
}
