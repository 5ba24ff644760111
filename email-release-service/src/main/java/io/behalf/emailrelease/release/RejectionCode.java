package io.behalf.emailrelease.release;

/** The {@code code} of {@code behalf.email-release.rejected}: why an address was not released. */
public enum RejectionCode {
    /** no active RELEASE_EMAIL consent for the account: it was denied, revoked or expired */
    NO_CONSENT,
    /** the account has events in its history or a last activity date (rule 6) */
    ACCOUNT_HAS_ACTIVITY,
    /** a primary address is released only when the account's namespace is on a paid plan (rule 6) */
    PRIMARY_REQUIRES_PAID_PLAN,
    /** the address is not the account's primary (PRIMARY) or one of its secondary addresses (SECONDARY) */
    EMAIL_NOT_ON_ACCOUNT,
    /** the address already ends in +release (or +releaseN) */
    ALREADY_RELEASED,
    /** the released address would exceed 254 octets, or its local part 64 */
    ADDRESS_TOO_LONG,
    /** the address in the request is not an email address */
    INVALID_ADDRESS,
    /** every +release, +release2 … +releaseN address up to the configured limit is taken on GitLab */
    RELEASE_ADDRESS_TAKEN,
    /** GitLab answered a request with a 4xx; the detail carries its message */
    GITLAB_ERROR
}
