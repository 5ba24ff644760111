package io.behalf.events.consent;

/** {@code role}: ACCOUNT_HOLDER, OWNER, MAINTAINER or TICKET_REQUESTER. */
public record GrantedBy(String userId, String username, String role) {
}
