package io.behalf.audit;

/** The incoming channels of this service (configured under mp.messaging.incoming.*). */
public final class Channels {
    /** One channel reads all four domain topics: the chain has one writer anyway. */
    public static final String DOMAIN_EVENTS = "domain-events";

    private Channels() {
    }
}
