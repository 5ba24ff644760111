package io.behalf.emailrelease.gitlab;

/**
 * A GitLab request that did not succeed. {@link #retryable()} for 5xx, 429, timeouts and connection failures
 * (worth trying again later); otherwise GitLab refused the request (4xx) and trying again would not help.
 */
public class GitLabException extends RuntimeException {

    private final String request;
    private final int status;
    private final String gitLabMessage;
    private final boolean retryable;

    public GitLabException(String request, int status, String gitLabMessage, boolean retryable) {
        super(request + (status > 0 ? " answered " + status : " failed") + ": " + gitLabMessage);
        this.request = request;
        this.status = status;
        this.gitLabMessage = gitLabMessage;
        this.retryable = retryable;
    }

    /** "METHOD /path", never with the query or headers */
    public String request() {
        return request;
    }

    /** the HTTP status, or 0 when there was no answer */
    public int status() {
        return status;
    }

    public String gitLabMessage() {
        return gitLabMessage;
    }

    public boolean retryable() {
        return retryable;
    }
}
