package io.behalf.events.consent;

/** Who may grant a consent (DESIGN rule 2). */
public enum Granter {
    ACCOUNT_HOLDER, OWNER_OR_MAINTAINER, TICKET_REQUESTER
}
