package io.behalf.audit.verify;

import io.behalf.audit.chain.ChainVerifier;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Is the log intact? {ok, checked, firstBrokenSeq, …}: 200 either way, the answer is in the body. */
@Path("/audit/verify")
public class VerifyResource {

    private final ChainVerification verification;

    public VerifyResource(ChainVerification verification) {
        this.verification = verification;
    }

    @GET
    @RolesAllowed("auditor")
    public ChainVerifier.Result verify() {
        return verification.verify();
    }
}
