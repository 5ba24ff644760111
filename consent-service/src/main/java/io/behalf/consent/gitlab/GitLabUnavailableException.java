package io.behalf.consent.gitlab;

/**
 * GitLab did not give an answer we can act on (unreachable, timeout, 5xx, an unexpected status). An authority
 * check that ends this way never counts as "allowed": the caller waits and asks again.
 */
public class GitLabUnavailableException extends RuntimeException {

    public GitLabUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public GitLabUnavailableException(String message) {
        super(message);
    }
}
