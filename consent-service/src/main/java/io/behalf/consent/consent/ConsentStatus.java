package io.behalf.consent.consent;

public enum ConsentStatus {
    PENDING, GRANTED, DENIED, REVOKED, EXPIRED;

    public boolean isOpen() {
        return this == PENDING || this == GRANTED;
    }
}
