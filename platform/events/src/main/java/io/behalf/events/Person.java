package io.behalf.events;

/** A GitLab identity as the ticketing system or GitLab resolved it. */
public record Person(String userId, String username, @OptionalField String email) {
}
