package io.behalf.impersonation.slack;

import io.behalf.messaging.WorkerPool;
import io.behalf.events.EventType;
import io.behalf.events.impersonation.ConfirmationRequested;
import io.behalf.impersonation.gitlab.GitLabUsers;
import io.behalf.impersonation.confirmation.Confirmation;
import io.behalf.impersonation.confirmation.ConfirmationHistory;
import io.behalf.impersonation.slack.SlackMessages.Message;
import io.behalf.impersonation.slack.SlackTask.Kind;
import io.behalf.messaging.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Makes the scheduled Slack calls, with a few workers ({@code behalf.slack.workers}) each working one task at a
 * time. Each task is leased in a short transaction (FOR UPDATE SKIP LOCKED, so two workers or instances never work
 * on one, and one impersonation's tasks are worked one at a time), Slack is called outside any transaction, and
 * each step's result is saved as soon as it is known: a DM resumes at the step it reached, and a task whose
 * instance died is picked up again once its lease ran out. Failures are retried with backoff (Slack's Retry-After
 * wins); when the budget is spent a failed DM raises a security alert, and a failed security alert is logged as an
 * error and counted.
 */
@ApplicationScoped
public class SlackTaskWorker {

    private static final Logger LOG = Logger.getLogger(SlackTaskWorker.class);

    private final EntityManager em;
    private final SlackClient slack;
    private final SlackSettings settings;
    private final SlackTasks tasks;
    private final Outbox outbox;
    private final MeterRegistry metrics;
    private final GitLabUsers gitlab;
    private final WorkerPool<Long> pool;

    public SlackTaskWorker(EntityManager em, SlackClient slack, SlackSettings settings, SlackTasks tasks,
            Outbox outbox, MeterRegistry metrics, GitLabUsers gitlab) {
        this.em = em;
        this.slack = slack;
        this.settings = settings;
        this.tasks = tasks;
        this.outbox = outbox;
        this.metrics = metrics;
        this.gitlab = gitlab;
        this.pool = new WorkerPool<>("slack-task-worker", settings.workers(),
                () -> QuarkusTransaction.requiringNew().call(this::lease), this::run, LOG);
    }

    @Scheduled(identity = "behalf-slack-tasks", every = "${behalf.slack.poll-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void runDue() {
        nudge();
    }

    /** Asks for a round soon, right after a transaction that scheduled a task committed. */
    void nudge() {
        pool.nudge();
    }

    /** No new rounds once shutdown began: the database may already be gone; a held lease just runs out. */
    void onShutdown(@Observes ShutdownEvent shutdown) {
        pool.stop();
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }

    private void run(long taskId) {
        try {
            perform(taskId);
        } catch (SlackFailure failure) {
            QuarkusTransaction.requiringNew().run(() -> failed(taskId, failure));
        } catch (RuntimeException e) {
            LOG.errorf(e, "slack task %d failed unexpectedly", taskId);
            QuarkusTransaction.requiringNew().run(() -> failed(taskId,
                    new SlackFailure("unexpected: " + e.getClass().getSimpleName(), true, null)));
        }
    }

    /**
     * Leases the next due task, if any: none of an impersonation that has a task leased already (here or on
     * another instance), so that one impersonation's Slack calls are made one after the other, in the order they
     * were scheduled, as with a single worker. Leases are taken one claimant at a time (a transaction-scoped
     * advisory lock, held for the few milliseconds of the lease), so that two never both see an impersonation as
     * free.
     */
    private Optional<Long> lease() {
        em.createNativeQuery("select pg_advisory_xact_lock(hashtext('slack_task'), 1)").getSingleResult();
        // a statement after the lock: it sees every lease committed before it
        @SuppressWarnings("unchecked")
        List<Number> ids = em.createNativeQuery("""
                update slack_task set lease_until = now() + make_interval(secs => ?1), attempts = attempts + 1
                where id = (select t.id from slack_task t
                            where t.status = 'PENDING' and t.next_attempt_at <= now()
                              and (t.lease_until is null or t.lease_until < now())
                              and not exists (select 1 from slack_task o
                                              where o.impersonation_id = t.impersonation_id and o.id <> t.id
                                                and o.status = 'PENDING' and o.lease_until >= now())
                            order by t.next_attempt_at, t.id limit 1 for update of t skip locked)
                returning id""")
                .setParameter(1, (double) settings.lease().toMillis() / 1000)
                .getResultList();
        return ids.stream().findFirst().map(Number::longValue);
    }

    private void perform(long taskId) {
        record Snapshot(SlackTask task, Confirmation confirmation) {
        }
        Snapshot s = QuarkusTransaction.requiringNew().call(() -> {
            SlackTask task = SlackTask.findById(taskId);
            Confirmation c = Confirmation.byId(task.impersonationId).orElseThrow();
            em.detach(task);
            em.detach(c);
            return new Snapshot(task, c);
        });
        switch (s.task().kindOf()) {
            case DIRECT_MESSAGE -> directMessage(s.task(), s.confirmation());
            case MESSAGE_UPDATE -> updateMessage(s.task(), s.confirmation());
            case SECURITY_ALERT -> securityAlert(s.task(), s.confirmation());
        }
    }

    private void directMessage(SlackTask task, Confirmation c) {
        if (c.state.isDecided()) {
            finish(task.id, SlackTask.CANCELLED, null, "decided (" + c.state + ") before the DM went out");
            return;
        }
        String email = c.adminEmail;
        if (c.slackUserId == null && (email == null || email.isBlank())) {
            email = adminEmailFromGitLab(c.adminUserId);
            String looked = email;
            QuarkusTransaction.requiringNew().run(() -> Confirmation.lockById(c.impersonationId).orElseThrow().adminEmail = looked);
        }
        String userId = c.slackUserId;
        if (userId == null) {
            userId = slack.lookupUserByEmail(email);
            String found = userId;
            QuarkusTransaction.requiringNew().run(() -> Confirmation.lockById(c.impersonationId).orElseThrow().slackUserId = found);
        }
        String channel = c.slackChannel;
        if (channel == null) {
            channel = slack.openDirectMessage(userId);
            String opened = channel;
            QuarkusTransaction.requiringNew().run(() -> Confirmation.lockById(c.impersonationId).orElseThrow().slackChannel = opened);
        }
        String ts = null;
        if (c.dmPostingSince != null) {
            // an earlier attempt handed the DM to Slack and lost the answer (timeout, crash): it may be there already
            ts = slack.findTagged(channel, c.impersonationId, c.dmPostingSince).orElse(null);
        } else {
            Instant now = Instant.now();
            QuarkusTransaction.requiringNew().run(() -> Confirmation.lockById(c.impersonationId).orElseThrow().dmPostingSince = now);
        }
        if (ts == null) {
            Message question = SlackMessages.question(c);
            ts = slack.postTagged(channel, c.impersonationId, question.text(), question.blocks());
        }
        String postedTs = ts;
        String dmChannel = channel;
        QuarkusTransaction.requiringNew().run(() -> {
            Confirmation current = Confirmation.lockById(c.impersonationId).orElseThrow();
            current.slackTs = postedTs;
            ConfirmationHistory.record(c.impersonationId, "DM_SENT", null, "channel " + dmChannel + " ts " + postedTs);
            outbox.publish(EventType.IMPERSONATION_CONFIRMATION_REQUESTED, current.userId, current.impersonationId,
                    new ConfirmationRequested(current.impersonationId, dmChannel, postedTs, current.consentId));
            markFinished(task.id, SlackTask.DONE, postedTs, null);
        });
    }

    /** The same retry rules as a Slack call: the lookup is one more step of the DM. */
    private String adminEmailFromGitLab(String gitlabUserId) {
        try {
            return gitlab.emailOf(gitlabUserId);
        } catch (GitLabUsers.LookupFailure e) {
            throw new SlackFailure("the admin's email: " + e.getMessage(), e.retryable(), null);
        }
    }

    private void updateMessage(SlackTask task, Confirmation c) {
        if (c.slackChannel == null || c.slackTs == null) {
            finish(task.id, SlackTask.CANCELLED, null, "no DM was posted, nothing to update");
            return;
        }
        Message answered = SlackMessages.answered(c, task.reason);
        slack.updateMessage(c.slackChannel, c.slackTs, answered.text(), answered.blocks());
        finish(task.id, SlackTask.DONE, c.slackTs, null);
    }

    private void securityAlert(SlackTask task, Confirmation c) {
        String channel = settings.securityChannel().filter(ch -> !ch.isBlank())
                .orElseThrow(() -> SlackFailure.permanent("behalf.slack.security-channel is not set"));
        String why = switch (task.reason) {
            case "DISPUTED" -> "Slack user <@" + c.decidedBy + "> answered \"" + SlackMessages.DISPUTE_LABEL + "\".";
            case "UNCONFIRMED" -> "No answer by " + c.deadline + ".";
            default -> "Asking the admin in Slack failed: " + QuarkusTransaction.requiringNew()
                    .call(() -> SlackTask.<SlackTask>find("impersonationId = ?1 and kind = ?2", c.impersonationId,
                            Kind.DIRECT_MESSAGE.name()).firstResultOptional().map(t -> t.lastError).orElse("unknown"));
        };
        Message alert = SlackMessages.securityAlert(c, task.reason, why);
        String ts = slack.postMessage(channel, alert.text(), alert.blocks());
        QuarkusTransaction.requiringNew().run(() -> {
            ConfirmationHistory.record(c.impersonationId, "SECURITY_ALERTED", null, task.reason);
            markFinished(task.id, SlackTask.DONE, ts, null);
        });
    }

    private void finish(long taskId, String status, String ts, String note) {
        QuarkusTransaction.requiringNew().run(() -> markFinished(taskId, status, ts, note));
    }

    private void markFinished(long taskId, String status, String ts, String note) {
        SlackTask task = SlackTask.findById(taskId);
        task.status = status;
        task.resultTs = ts;
        task.leaseUntil = null;
        task.doneAt = Instant.now();
        if (note != null) {
            task.lastError = note;
        }
    }

    private void failed(long taskId, SlackFailure failure) {
        SlackTask task = SlackTask.findById(taskId);
        task.lastError = failure.getMessage();
        task.leaseUntil = null;
        if (failure.retryable() && task.attempts < settings.maxAttempts()) {
            Duration backoff = settings.backoff().multipliedBy(1L << Math.min(task.attempts - 1, 20));
            if (backoff.compareTo(settings.maxBackoff()) > 0) {
                backoff = settings.maxBackoff();
            }
            Duration wait = failure.retryAfter().filter(r -> r.compareTo(Duration.ZERO) > 0).orElse(backoff);
            task.nextAttemptAt = Instant.now().plus(wait);
            LOG.warnf("slack %s for %s failed (attempt %d), retrying in %s: %s", task.kind, task.impersonationId,
                    task.attempts, wait, failure.getMessage());
            return;
        }
        task.status = SlackTask.FAILED;
        task.doneAt = Instant.now();
        metrics.counter("behalf.slack.failures", "kind", task.kind).increment();
        ConfirmationHistory.record(task.impersonationId, "SLACK_FAILED", null, task.kind + ": " + failure.getMessage());
        if (task.kindOf() == Kind.SECURITY_ALERT) {
            // the last resort failed too: the log and the metric are what is left, and the state stays queryable
            LOG.errorf("SECURITY ALERT NOT DELIVERED for impersonation %s (%s) after %d attempts: %s",
                    task.impersonationId, task.reason, task.attempts, failure.getMessage());
        } else if (task.kindOf() == Kind.DIRECT_MESSAGE) {
            LOG.errorf("could not ask the admin about impersonation %s after %d attempts: %s; alerting security",
                    task.impersonationId, task.attempts, failure.getMessage());
            tasks.schedule(task.impersonationId, Kind.SECURITY_ALERT, "DM_FAILED");
        } else {
            LOG.warnf("slack %s for %s given up: %s", task.kind, task.impersonationId, failure.getMessage());
        }
    }
}
