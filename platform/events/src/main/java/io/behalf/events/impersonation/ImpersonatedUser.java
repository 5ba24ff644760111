package io.behalf.events.impersonation;

public record ImpersonatedUser(String userId, String username) {
}
