package io.behalf.consent.gitlab;

/** What rule 3 needs to know about a GitLab user account. */
public record GitLabAccount(String id, String username, boolean confirmed) {
}
