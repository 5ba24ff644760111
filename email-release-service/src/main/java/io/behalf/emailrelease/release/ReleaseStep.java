package io.behalf.emailrelease.release;

/**
 * The GitLab step an IN_PROGRESS release does next. Persisted after each step, so that whoever claims the
 * release after a crash continues here; every step is safe to run again.
 */
public enum ReleaseStep {
    /** read-only: activity, plan and whether the address is on the account */
    CHECK_ELIGIBILITY,
    /** POST /users/:id/emails with the +release address, skip_confirmation */
    ADD_RELEASE_ADDRESS,
    /** PRIMARY only: PUT /users/:id email = the +release address, skip_reconfirmation */
    SWITCH_PRIMARY,
    /** DELETE /users/:id/emails/:email_id of the old address, if GitLab still has it */
    REMOVE_OLD_ADDRESS;

    /** From here on GitLab has been changed: a release is finished rather than abandoned half-way. */
    public boolean changesGitLab() {
        return this != CHECK_ELIGIBILITY;
    }
}
