package io.behalf.impersonation.gitlab;

import io.behalf.events.EventType;
import io.behalf.events.Person;
import io.behalf.events.impersonation.ImpersonatedUser;
import io.behalf.events.impersonation.ImpersonationStarted;
import io.behalf.events.impersonation.ImpersonationStopped;
import io.behalf.messaging.Outbox;
import io.behalf.web.ProblemException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import java.util.List;

/**
 * Turns GitLab impersonation audit events into {@code behalf.impersonation.started} / {@code stopped}. The
 * GitLab id is recorded in the same transaction as the outbox event, so a redelivered event publishes nothing.
 */
@ApplicationScoped
public class ImpersonationStream {

    public enum Outcome { STARTED, STOPPED, DUPLICATE, IGNORED }

    public record Result(Outcome outcome, String impersonationId) {
    }

    private final EntityManager em;
    private final Outbox outbox;

    public ImpersonationStream(EntityManager em, Outbox outbox) {
        this.em = em;
        this.outbox = outbox;
    }

    @Transactional
    public Result accept(GitLabAuditEvent event) {
        boolean impersonation = event.isImpersonation()
                && (GitLabAuditEvent.STARTED.equals(event.customMessage()) || GitLabAuditEvent.STOPPED.equals(event.customMessage()));
        if (impersonation && event.missingForImpersonation() != null) {
            throw ProblemException.badRequest("impersonation audit event without " + event.missingForImpersonation());
        }
        // two instances receiving the same delivery: the second insert waits for the first and then finds it
        int first = em.createNativeQuery("insert into gitlab_audit_event (id, event_type) values (?1, ?2) on conflict do nothing")
                .setParameter(1, event.id())
                .setParameter(2, event.eventType() == null ? "unknown" : event.eventType())
                .executeUpdate();
        if (first == 0) {
            return new Result(Outcome.DUPLICATE, null);
        }
        if (!impersonation) {
            return new Result(Outcome.IGNORED, null);
        }
        return GitLabAuditEvent.STARTED.equals(event.customMessage()) ? started(event) : stopped(event);
    }

    /** GitLab redelivers within minutes; a month of remembered ids is ample and keeps the table small. */
    @Scheduled(identity = "behalf-gitlab-audit-id-purge", every = "1h", delayed = "5m")
    @Transactional
    void purgeOldAuditIds() {
        em.createNativeQuery("delete from gitlab_audit_event where received_at < now() - interval '30 days'")
                .executeUpdate();
    }

    private Result started(GitLabAuditEvent event) {
        String impersonationId = "gl-audit-" + event.id();
        em.createNativeQuery("""
                insert into gitlab_impersonation (impersonation_id, admin_user_id, user_id, started_at)
                values (?1, ?2, ?3, ?4)""")
                .setParameter(1, impersonationId)
                .setParameter(2, event.authorId())
                .setParameter(3, event.targetId())
                .setParameter(4, Timestamp.from(event.createdAt()))
                .executeUpdate();
        String adminName = event.authorName() != null ? event.authorName() : event.authorId();
        String userName = event.targetName() != null ? event.targetName() : event.targetId();
        outbox.publish(EventType.IMPERSONATION_STARTED, event.targetId(), impersonationId,
                new ImpersonationStarted(impersonationId, new Person(event.authorId(), adminName, event.authorEmail()),
                        new ImpersonatedUser(event.targetId(), userName), event.ip(), event.createdAt(), null));
        return new Result(Outcome.STARTED, impersonationId);
    }

    /** A stop has an audit id of its own: it ends the latest open impersonation of that user by that admin. */
    private Result stopped(GitLabAuditEvent event) {
        @SuppressWarnings("unchecked")
        List<String> open = em.createNativeQuery("""
                select impersonation_id from gitlab_impersonation
                where admin_user_id = ?1 and user_id = ?2 and stopped_at is null and started_at <= ?3
                order by started_at desc limit 1 for update""")
                .setParameter(1, event.authorId())
                .setParameter(2, event.targetId())
                .setParameter(3, Timestamp.from(event.createdAt()))
                .getResultList();
        // a stop whose start we never saw still goes out, under its own id, rather than vanish
        String impersonationId = open.isEmpty() ? "gl-audit-" + event.id() : open.get(0);
        if (!open.isEmpty()) {
            em.createNativeQuery("update gitlab_impersonation set stopped_at = ?2 where impersonation_id = ?1")
                    .setParameter(1, impersonationId)
                    .setParameter(2, Timestamp.from(event.createdAt()))
                    .executeUpdate();
        }
        outbox.publish(EventType.IMPERSONATION_STOPPED, event.targetId(), impersonationId,
                new ImpersonationStopped(impersonationId, event.createdAt()));
        return new Result(Outcome.STOPPED, impersonationId);
    }
}
