package io.behalf.impersonation;

/** The incoming channels of this service (configured under mp.messaging.incoming.*). */
public final class Channels {
    public static final String IMPERSONATION_EVENTS = "impersonation-events";
    public static final String CONSENT_EVENTS = "consent-events";

    private Channels() {
    }
}
