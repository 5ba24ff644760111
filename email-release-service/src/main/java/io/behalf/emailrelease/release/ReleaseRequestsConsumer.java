package io.behalf.emailrelease.release;

import io.behalf.emailrelease.Channels;
import io.behalf.events.emailrelease.EmailReleaseRequested;
import io.behalf.messaging.IdempotentConsumer;
import io.behalf.messaging.InboundEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads email-release.events. A request is handled the same whoever published it (this service's REST
 * endpoint or another producer); this service's own outcomes pass by on the same topic and are ignored.
 */
@ApplicationScoped
public class ReleaseRequestsConsumer {

    private static final Logger LOG = Logger.getLogger(ReleaseRequestsConsumer.class);

    private final IdempotentConsumer consumer;
    private final ReleaseTransitions transitions;

    public ReleaseRequestsConsumer(IdempotentConsumer consumer, ReleaseTransitions transitions) {
        this.consumer = consumer;
        this.transitions = transitions;
    }

    @Incoming(Channels.EMAIL_RELEASE_EVENTS)
    @Blocking
    public void onReleaseEvent(ConsumerRecord<String, String> record) {
        consumer.consume(Channels.EMAIL_RELEASE_EVENTS, record, this::apply);
    }

    void apply(InboundEvent event) {
        switch (event.eventType()) {
            case EMAIL_RELEASE_REQUESTED -> requested(event.payload());
            default -> event.payload(); // validated; completed and rejected are our own outcomes
        }
    }

    private void requested(EmailReleaseRequested requested) {
        Instant now = Instant.now();
        EmailRelease release = EmailRelease.lockById(requested.releaseId()).orElse(null);
        if (release == null) {
            release = new EmailRelease();
            release.id = requested.releaseId();
            release.ticketId = requested.ticketId();
            release.accountId = requested.accountId();
            release.email = requested.email();
            release.emailKind = requested.emailKind();
            release.reason = requested.reason();
            release.requestedBy = requested.requestedBy();
            release.status = ReleaseStatus.REQUESTED;
            release.requestedAt = now;
            release.updatedAt = now;
            release.persist();
        } else if (release.status != ReleaseStatus.REQUESTED) {
            // the ce_id differs but the release is the same one: a release is worked on once
            LOG.infof("release %s requested again; it is already %s", release.id, release.status);
            return;
        }
        transitions.admit(release, now);
    }
}
