package io.behalf.impersonation.consent;

import io.behalf.events.Action;
import io.behalf.events.Target;
import io.behalf.events.TargetKind;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What this service knows of one consent from consent.events: enough to tell whether it is active now. */
@Entity
@Table(name = "consent_projection")
public class ConsentProjection extends PanacheEntityBase {

    public static final String REQUESTED = "REQUESTED";
    public static final String GRANTED = "GRANTED";
    /** Denied, revoked or expired: nothing brings it back. */
    public static final String ENDED = "ENDED";

    @Id
    @Column(name = "consent_id")
    public String consentId;
    @Column(name = "ticket_id")
    public String ticketId;
    public String action;
    @Column(name = "target_kind")
    public String targetKind;
    @Column(name = "target_id")
    public String targetId;
    public String status;
    @Column(name = "valid_until")
    public Instant validUntil;
    @Column(name = "updated_at")
    public Instant updatedAt;

    /**
     * The batch's consents, keyed by id, their rows locked in one statement in id order (the order every batch
     * takes them in, so two instances' batches never deadlock); a consent not seen before is new, REQUESTED and
     * not yet persisted.
     */
    static Map<String, ConsentProjection> lockOrCreate(Map<String, String> ticketByConsent) {
        Map<String, ConsentProjection> consents = new HashMap<>();
        if (ticketByConsent.isEmpty()) {
            return consents;
        }
        // one SQL text over an array: as HQL with an in-list, Hibernate built the SQL anew on every call, in a
        // query that was 14% of the service's CPU at 500 consent events/s (bench/README.md)
        @SuppressWarnings("unchecked")
        List<ConsentProjection> rows = getEntityManager().createNativeQuery("""
                select * from consent_projection where consent_id = any(?1) order by consent_id for update""",
                ConsentProjection.class).setParameter(1, ticketByConsent.keySet().toArray(String[]::new))
                .getResultList();
        rows.forEach(c -> consents.put(c.consentId, c));
        ticketByConsent.forEach((consentId, ticketId) -> consents.computeIfAbsent(consentId, id -> {
            ConsentProjection c = new ConsentProjection();
            c.consentId = id;
            c.ticketId = ticketId;
            c.status = REQUESTED;
            return c;
        }));
        return consents;
    }

    /** What the consent allows, as its requested and granted events name it. */
    void concerns(Action action, Target target) {
        this.action = action.name();
        this.targetKind = target.kind().name();
        this.targetId = target.id();
    }

    /** An active IMPERSONATE_USER consent on the user, else any active consent on the ticket or on the user's account. */
    public static Optional<ConsentProjection> activeFor(String userId, String ticketId, Instant now) {
        Optional<ConsentProjection> impersonation = find(
                "status = ?1 and action = ?2 and targetKind = ?3 and targetId = ?4 and validUntil > ?5 order by validUntil desc",
                GRANTED, Action.IMPERSONATE_USER.name(), TargetKind.USER.name(), userId, now).firstResultOptional();
        if (impersonation.isPresent()) {
            return impersonation;
        }
        if (ticketId != null) {
            Optional<ConsentProjection> onTicket = find("status = ?1 and ticketId = ?2 and validUntil > ?3 order by validUntil desc",
                    GRANTED, ticketId, now).firstResultOptional();
            if (onTicket.isPresent()) {
                return onTicket;
            }
        }
        return find("status = ?1 and targetKind = ?2 and targetId = ?3 and validUntil > ?4 order by validUntil desc",
                GRANTED, TargetKind.USER.name(), userId, now).firstResultOptional();
    }
}
