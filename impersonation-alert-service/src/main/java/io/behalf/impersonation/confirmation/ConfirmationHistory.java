package io.behalf.impersonation.confirmation;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

@Entity
@Table(name = "confirmation_history")
public class ConfirmationHistory extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "impersonation_id")
    public String impersonationId;
    public Instant at;
    public String event;
    public String actor;
    public String detail;

    public static void record(String impersonationId, String event, String actor, String detail) {
        ConfirmationHistory h = new ConfirmationHistory();
        h.impersonationId = impersonationId;
        h.at = Instant.now();
        h.event = event;
        h.actor = actor;
        h.detail = detail;
        h.persist();
    }

    public static List<ConfirmationHistory> of(String impersonationId) {
        return list("impersonationId = ?1 order by id", impersonationId);
    }
}
