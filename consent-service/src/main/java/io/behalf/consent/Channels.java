package io.behalf.consent;

/** The incoming channels of this service (configured under mp.messaging.incoming.*). */
public final class Channels {
    public static final String TICKET_EVENTS = "ticket-events";

    private Channels() {
    }
}
