package io.behalf.emailrelease.consent;

import java.util.Set;

/**
 * Fired inside the consuming transaction before a poll batch's consents change, naming the accounts whose
 * consent may be granted or ended in it, so that the release feature takes their locks in one statement rather
 * than one per {@link ConsentChanged}.
 */
public record ConsentsChanging(Set<String> accountIds) {
}
