package io.behalf.floor;

import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.rest.client.inject.RestClient;

@Path("/notes")
@RolesAllowed("support-engineer")
public class NoteResource {

    private final Emitter<String> out;
    private final Echo echo;

    public NoteResource(@Channel("notes-out") Emitter<String> out, @RestClient Echo echo) {
        this.out = out;
        this.echo = echo;
    }

    @GET
    public long count() {
        return Note.count();
    }

    @POST
    @Transactional
    public void add(@NotBlank String text) {
        Note note = new Note();
        note.text = text;
        note.persist();
        out.send(text);
    }

    @GET
    @Path("/echo")
    public String echo() {
        return echo.get();
    }
}
