package io.behalf.emailrelease.consent;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What consent.events told us about one RELEASE_EMAIL consent on a user account. Only the consent's own
 * events change it; this service never asks consent-service.
 */
@Entity
@Table(name = "release_consent")
public class ReleaseConsent extends PanacheEntityBase {

    @Id
    @Column(name = "consent_id")
    public String consentId;
    @Column(name = "ticket_id")
    public String ticketId;
    @Column(name = "account_id")
    public String accountId;
    @Enumerated(EnumType.STRING)
    public ReleaseConsentStatus status;
    @Column(name = "valid_until")
    public Instant validUntil;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public boolean activeAt(Instant now) {
        return status == ReleaseConsentStatus.GRANTED && (validUntil == null || validUntil.isAfter(now));
    }

    /**
     * Those of the consents this service keeps, keyed by id, their rows locked in one statement in id order (the
     * order every batch takes them in, so two instances' batches never deadlock).
     */
    public static Map<String, ReleaseConsent> lockAll(Collection<String> consentIds) {
        Map<String, ReleaseConsent> consents = new HashMap<>();
        if (!consentIds.isEmpty()) {
            // one SQL text over an array: as HQL with an in-list, Hibernate built the SQL anew on every call, about
            // 5% of the service's CPU at 500 grants/s (bench/README.md)
            @SuppressWarnings("unchecked")
            List<ReleaseConsent> rows = getEntityManager().createNativeQuery("""
                    select * from release_consent where consent_id = any(?1) order by consent_id for update""",
                    ReleaseConsent.class).setParameter(1, consentIds.toArray(String[]::new)).getResultList();
            rows.forEach(c -> consents.put(c.consentId, c));
        }
        return consents;
    }

    /** The grant that lasts longest among those active now for the account, if any. */
    public static Optional<ReleaseConsent> activeFor(String accountId, Instant now) {
        return find("accountId = ?1 and status = ?2 and (validUntil is null or validUntil > ?3) order by validUntil desc nulls first",
                accountId, ReleaseConsentStatus.GRANTED, now).firstResultOptional();
    }

    /** The consent we heard of last for the account on this ticket. */
    public static Optional<ReleaseConsent> latestOnTicket(String accountId, String ticketId) {
        return find("accountId = ?1 and ticketId = ?2 order by updatedAt desc", accountId, ticketId)
                .firstResultOptional();
    }
}
