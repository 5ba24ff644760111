package io.behalf.events.emailrelease;

public enum ReleaseReason {
    LOST_ACCESS_INACTIVE, UNVERIFIED_ON_OTHER_ACCOUNT
}
