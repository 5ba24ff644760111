package io.behalf.consent.consent;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

@Entity
@Table(name = "consent_history")
public class ConsentHistory extends PanacheEntityBase {

    @Id
    // from the column's sequence, 50 at a time (V3__batched_ids.sql), so a batch's inserts go out together
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "consent_history_id_seq")
    @SequenceGenerator(name = "consent_history_id_seq", sequenceName = "consent_history_id_seq", allocationSize = 50)
    public Long id;
    @Column(name = "consent_id")
    public UUID consentId;
    public Instant at;
    public String event;
    public String actor;
    public String detail;

    public static void record(UUID consentId, String event, String actor, String detail) {
        ConsentHistory h = new ConsentHistory();
        h.consentId = consentId;
        h.at = Instant.now();
        h.event = event;
        h.actor = actor;
        h.detail = detail;
        h.persist();
    }

    public static List<ConsentHistory> of(UUID consentId) {
        return list("consentId = ?1 order by id", consentId);
    }
}
