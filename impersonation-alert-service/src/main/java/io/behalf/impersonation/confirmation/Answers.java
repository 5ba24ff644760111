package io.behalf.impersonation.confirmation;

import io.behalf.events.EventType;
import io.behalf.events.impersonation.ImpersonationConfirmed;
import io.behalf.events.impersonation.ImpersonationDisputed;
import io.behalf.impersonation.slack.SlackTask.Kind;
import io.behalf.impersonation.slack.SlackTasks;
import io.behalf.messaging.Outbox;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/** The admin's answer to the DM: the state change, its event and the Slack follow-ups commit together. */
@ApplicationScoped
public class Answers {

    private static final Logger LOG = Logger.getLogger(Answers.class);

    public enum Answer { CONFIRM, DISPUTE }

    public enum Outcome { CONFIRMED, DISPUTED, REFUSED_OTHER_USER, ALREADY_DECIDED, UNKNOWN_IMPERSONATION, REPLAYED }

    private final EntityManager em;
    private final Outbox outbox;
    private final SlackTasks slackTasks;

    public Answers(EntityManager em, Outbox outbox, SlackTasks slackTasks) {
        this.em = em;
        this.outbox = outbox;
        this.slackTasks = slackTasks;
    }

    /** @param requestKey identifies the Slack request (its signature): the same request twice changes nothing */
    @Transactional
    public Outcome answer(String requestKey, String impersonationId, String slackUserId, Answer answer) {
        if (!firstTime(requestKey)) {
            return Outcome.REPLAYED;
        }
        Optional<Confirmation> found = Confirmation.lockById(impersonationId);
        if (found.isEmpty()) {
            LOG.warnf("button press for unknown impersonation %s by %s", impersonationId, slackUserId);
            return Outcome.UNKNOWN_IMPERSONATION;
        }
        Confirmation c = found.get();
        if (c.slackUserId == null || !c.slackUserId.equals(slackUserId)) {
            ConfirmationHistory.record(c.impersonationId, "PRESS_REFUSED", slackUserId,
                    answer + " by a Slack user other than the admin who was asked");
            return Outcome.REFUSED_OTHER_USER;
        }
        if (c.state.isDecided()) {
            ConfirmationHistory.record(c.impersonationId, "PRESS_IGNORED", slackUserId,
                    answer + " after the confirmation was already " + c.state);
            return Outcome.ALREADY_DECIDED;
        }
        c.decidedBy = slackUserId;
        c.decidedAt = Instant.now();
        if (answer == Answer.CONFIRM) {
            c.state = ConfirmationState.CONFIRMED;
            ConfirmationHistory.record(c.impersonationId, "CONFIRMED", slackUserId, null);
            outbox.publish(EventType.IMPERSONATION_CONFIRMED, c.userId, c.impersonationId,
                    new ImpersonationConfirmed(c.impersonationId, slackUserId, c.decidedAt));
            slackTasks.schedule(c.impersonationId, Kind.MESSAGE_UPDATE, "CONFIRMED");
            return Outcome.CONFIRMED;
        }
        c.state = ConfirmationState.DISPUTED;
        ConfirmationHistory.record(c.impersonationId, "DISPUTED", slackUserId, null);
        outbox.publish(EventType.IMPERSONATION_DISPUTED, c.userId, c.impersonationId,
                new ImpersonationDisputed(c.impersonationId, slackUserId, c.decidedAt));
        slackTasks.schedule(c.impersonationId, Kind.MESSAGE_UPDATE, "DISPUTED");
        slackTasks.schedule(c.impersonationId, Kind.SECURITY_ALERT, "DISPUTED");
        return Outcome.DISPUTED;
    }

    /** Requests older than the signature window fail the freshness check anyway, so their replay keys can go. */
    @Scheduled(identity = "behalf-slack-request-purge", every = "10m", delayed = "1m")
    @Transactional
    void purgeOldRequestKeys() {
        em.createNativeQuery("delete from slack_request where received_at < now() - interval '15 minutes'")
                .executeUpdate();
    }

    private boolean firstTime(String requestKey) {
        return em.createNativeQuery("insert into slack_request (signature) values (?1) on conflict do nothing")
                .setParameter(1, requestKey).executeUpdate() == 1;
    }
}
