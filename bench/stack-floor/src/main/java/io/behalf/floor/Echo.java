package io.behalf.floor;

import jakarta.ws.rs.GET;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

@RegisterRestClient(configKey = "echo")
public interface Echo {

    @GET
    String get();
}
