package io.behalf.audit.checkpoint;

import io.behalf.audit.chain.Checkpoint;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** A stored checkpoint; rows are only ever inserted (a trigger refuses changes). */
@Entity
@Table(name = "audit_checkpoint")
public class AuditCheckpoint extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "created_at")
    public Instant createdAt;
    public String heads;
    @Column(name = "key_id")
    public String keyId;
    public String signature;

    public Checkpoint toCheckpoint() {
        return new Checkpoint(id, createdAt, Checkpoint.readHeads(heads), keyId, signature);
    }

    public static List<AuditCheckpoint> page(long after, int limit) {
        return find("id > ?1 order by id", after).page(0, limit).list();
    }

    public static List<Checkpoint> all() {
        return AuditCheckpoint.<AuditCheckpoint>find("order by id").stream().map(AuditCheckpoint::toCheckpoint).toList();
    }
}
