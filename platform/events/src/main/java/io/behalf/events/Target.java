package io.behalf.events;

/** What an action is taken on: a GitLab user, project or group, by id; {@code path} is its full path. */
public record Target(TargetKind kind, String id, @OptionalField String path) {
}
