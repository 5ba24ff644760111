package io.behalf.emailrelease.release;

/**
 * REQUESTED (accepted over HTTP, its event not yet consumed) → AWAITING_CONSENT → IN_PROGRESS → COMPLETED or
 * REJECTED. Each of the last two is reached once and publishes its event once.
 */
public enum ReleaseStatus {
    REQUESTED, AWAITING_CONSENT, IN_PROGRESS, COMPLETED, REJECTED;

    public boolean finished() {
        return this == COMPLETED || this == REJECTED;
    }
}
