package io.behalf.events.emailrelease;

public enum EmailKind {
    PRIMARY, SECONDARY
}
