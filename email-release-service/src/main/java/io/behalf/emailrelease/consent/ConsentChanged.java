package io.behalf.emailrelease.consent;

/**
 * Fired inside the consuming transaction when a RELEASE_EMAIL consent for an account was granted or ended, so
 * what the release feature does about it commits together with the projection and the record's ce_id.
 */
public record ConsentChanged(ReleaseConsent consent) {
}
