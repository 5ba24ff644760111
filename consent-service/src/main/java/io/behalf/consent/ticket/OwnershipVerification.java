package io.behalf.consent.ticket;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Rule 3: the account's owner was verified on this ticket (Account Ownership Verification workflow). */
@Entity
@Table(name = "ownership_verification")
public class OwnershipVerification extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "ticket_id")
    public String ticketId;
    @Column(name = "account_id")
    public String accountId;
    @Column(name = "verified_by")
    public String verifiedBy;
    public String method;
    @Column(name = "verified_at")
    public Instant verifiedAt;

    public static boolean recorded(String ticketId, String accountId) {
        // find, not count: Hibernate plans a count query anew on every call, a find's plan is cached
        return find("ticketId = ?1 and accountId = ?2", ticketId, accountId).firstResultOptional().isPresent();
    }
}
