package io.behalf.events.consent;

import io.behalf.events.Action;
import io.behalf.events.Target;
import java.time.Instant;

public record ConsentGranted(String consentId, String ticketId, Action action, Target target, GrantedBy grantedBy,
        String evidenceCommentId, Instant validUntil) {
}
