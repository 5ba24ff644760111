package io.behalf.events;

import java.util.List;

/** Kafka topic names of DESIGN.md. Each service's dead-letter topic is {@code <service>.dead-letters}. */
public final class Topics {
    public static final String TICKET_EVENTS = "ticket.events";
    public static final String CONSENT_EVENTS = "consent.events";
    public static final String EMAIL_RELEASE_EVENTS = "email-release.events";
    public static final String IMPERSONATION_EVENTS = "impersonation.events";
    public static final String AUDIT_RECORDS = "audit.records";

    public static final List<String> SERVICES = List.of(
            "consent-service", "email-release-service", "audit-service", "impersonation-alert-service");

    public static final List<String> DOMAIN = List.of(
            TICKET_EVENTS, CONSENT_EVENTS, EMAIL_RELEASE_EVENTS, IMPERSONATION_EVENTS);

    private Topics() {
    }

    public static String deadLetters(String service) {
        return service + ".dead-letters";
    }

    /** Every topic the system uses, dead-letter topics included. */
    public static List<String> all() {
        var all = new java.util.ArrayList<>(DOMAIN);
        all.add(AUDIT_RECORDS);
        SERVICES.forEach(s -> all.add(deadLetters(s)));
        return List.copyOf(all);
    }
}
