package io.behalf.emailrelease;

import io.behalf.web.ProblemMappers;
import io.quarkus.hibernate.validator.runtime.jaxrs.ResteasyReactiveViolationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Bean-validation failures of a request body as RFC 7807 problems naming the field. Quarkus maps its own
 * {@link ResteasyReactiveViolationException} to a plain JSON report before platform/web's mapper for
 * ConstraintViolationException is consulted; an exact-type mapper puts the platform's problem body back.
 */
public class ValidationProblems {

    private final ProblemMappers problems = new ProblemMappers();

    @ServerExceptionMapper
    public Response invalid(ResteasyReactiveViolationException e) {
        return problems.invalid(e);
    }
}
