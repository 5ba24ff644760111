package io.behalf.consent.gitlab;

/** A user's (possibly inherited) membership of a project or group; {@code accessLevel} 0 means none. */
public record Membership(int accessLevel) {

    public static final int MAINTAINER = 40;
    public static final int OWNER = 50;
    public static final Membership NONE = new Membership(0);

    public boolean ownerOrMaintainer() {
        return accessLevel >= MAINTAINER;
    }

    /** The role named in {@code grantedBy.role}. */
    public String role() {
        return accessLevel >= OWNER ? "OWNER" : accessLevel >= MAINTAINER ? "MAINTAINER" : "ACCESS_LEVEL_" + accessLevel;
    }
}
