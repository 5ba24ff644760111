package io.behalf.web;

import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * A refusal the caller can act on, such as a rule of DESIGN.md that forbids the request. {@code rule} becomes
 * the problem's type ({@code https://behalf.io/problems/<rule>}) so clients can tell refusals apart.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String reason;
    private final String rule;

    public ProblemException(Response.Status status, String rule, String detail) {
        this(status.getStatusCode(), status.getReasonPhrase(), rule, detail);
    }

    /** For statuses {@link Response.Status} does not name, such as 422 (Jakarta REST 3.1 has no constant for it). */
    public ProblemException(int status, String reason, String rule, String detail) {
        super(detail);
        this.status = status;
        this.reason = reason;
        this.rule = rule;
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(Response.Status.NOT_FOUND, "not-found", what + " not found");
    }

    public static ProblemException conflict(String rule, String detail) {
        return new ProblemException(Response.Status.CONFLICT, rule, detail);
    }

    public static ProblemException unprocessable(String rule, String detail) {
        return new ProblemException(422, "Unprocessable Content", rule, detail);
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(Response.Status.BAD_REQUEST, "bad-request", detail);
    }

    public Problem problem() {
        return new Problem(URI.create("https://behalf.io/problems/" + rule), reason, status, getMessage(), null);
    }
}
