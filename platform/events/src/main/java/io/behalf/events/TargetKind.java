package io.behalf.events;

public enum TargetKind {
    USER, PROJECT, GROUP
}
