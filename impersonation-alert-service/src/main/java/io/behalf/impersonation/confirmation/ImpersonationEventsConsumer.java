package io.behalf.impersonation.confirmation;

import io.behalf.events.impersonation.ImpersonationStarted;
import io.behalf.events.impersonation.ImpersonationStopped;
import io.behalf.impersonation.Channels;
import io.behalf.impersonation.consent.ConsentProjection;
import io.behalf.impersonation.slack.SlackTask.Kind;
import io.behalf.impersonation.slack.SlackTasks;
import io.behalf.messaging.IdempotentConsumer;
import io.behalf.messaging.InboundEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads impersonation.events: every started impersonation, whoever published it (this service's GitLab receiver
 * or another producer), opens a confirmation and schedules the DM to the admin. This service's own outcome
 * events travel on the same topic and are skipped.
 */
@ApplicationScoped
public class ImpersonationEventsConsumer {

    private final IdempotentConsumer consumer;
    private final SlackTasks slackTasks;
    private final Duration confirmWithin;

    public ImpersonationEventsConsumer(IdempotentConsumer consumer, SlackTasks slackTasks,
            @ConfigProperty(name = "behalf.impersonation.confirm-within") Duration confirmWithin) {
        this.consumer = consumer;
        this.slackTasks = slackTasks;
        this.confirmWithin = confirmWithin;
    }

    @Incoming(Channels.IMPERSONATION_EVENTS)
    @Blocking
    public void onImpersonationEvent(ConsumerRecord<String, String> record) {
        consumer.consume(Channels.IMPERSONATION_EVENTS, record, this::apply);
    }

    void apply(InboundEvent event) {
        switch (event.eventType()) {
            case IMPERSONATION_STARTED -> started(event.payload());
            case IMPERSONATION_STOPPED -> stopped(event.payload());
            default -> {
                // our own outcomes (confirmation-requested, confirmed, disputed, unconfirmed): nothing to do
            }
        }
    }

    private void started(ImpersonationStarted started) {
        if (Confirmation.byId(started.impersonationId()).isPresent()) {
            return; // the same impersonation from a second producer: one DM is enough
        }
        Instant now = Instant.now();
        Confirmation c = new Confirmation();
        c.impersonationId = started.impersonationId();
        c.adminUserId = started.admin().userId();
        c.adminUsername = started.admin().username();
        c.adminEmail = started.admin().email();
        c.userId = started.user().userId();
        c.username = started.user().username();
        c.ip = started.ip();
        c.startedAt = started.startedAt();
        c.ticketId = started.ticketId();
        ConsentProjection.activeFor(c.userId, c.ticketId, now).ifPresent(consent -> {
            c.consentId = consent.consentId;
            c.consentTicketId = consent.ticketId;
            c.consentAction = consent.action;
        });
        c.state = ConfirmationState.AWAITING_ANSWER;
        // counted from when we learn of it, so a late record still leaves the admin the whole window
        c.deadline = now.plus(confirmWithin);
        c.createdAt = now;
        c.persist();
        ConfirmationHistory.record(c.impersonationId, "STARTED", c.adminUserId,
                c.consentId == null ? "no active consent found" : "consent " + c.consentId);
        slackTasks.schedule(c.impersonationId, Kind.DIRECT_MESSAGE, "ASK");
    }

    private void stopped(ImpersonationStopped stopped) {
        Confirmation.lockById(stopped.impersonationId()).ifPresent(c -> {
            c.stoppedAt = stopped.stoppedAt();
            ConfirmationHistory.record(c.impersonationId, "STOPPED", null, null);
        });
    }
}
