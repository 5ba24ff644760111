package io.behalf.web;

import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * A refusal the caller can act on, such as a rule of DESIGN.md that forbids the request. {@code rule} becomes
 * the problem's type ({@code https://behalf.io/problems/<rule>}) so clients can tell refusals apart.
 */
public class ProblemException extends RuntimeException {

    private final Response.Status status;
    private final String rule;

    public ProblemException(Response.Status status, String rule, String detail) {
        super(detail);
        this.status = status;
        this.rule = rule;
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(Response.Status.NOT_FOUND, "not-found", what + " not found");
    }

    public static ProblemException conflict(String rule, String detail) {
        return new ProblemException(Response.Status.CONFLICT, rule, detail);
    }

    public static ProblemException unprocessable(String rule, String detail) {
        return new ProblemException(Response.Status.fromStatusCode(422), rule, detail);
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(Response.Status.BAD_REQUEST, "bad-request", detail);
    }

    public Problem problem() {
        return new Problem(URI.create("https://behalf.io/problems/" + rule),
                status.getStatusCode() == 422 ? "Unprocessable Content" : status.getReasonPhrase(),
                status.getStatusCode(), getMessage(), null);
    }
}
