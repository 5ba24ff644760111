package io.behalf.emailrelease;

/** The incoming channels of this service (configured under mp.messaging.incoming.*). */
public final class Channels {
    public static final String EMAIL_RELEASE_EVENTS = "email-release-events";
    public static final String CONSENT_EVENTS = "consent-events";

    private Channels() {
    }
}
