package io.behalf.audit.checkpoint;

import io.behalf.audit.AuditConfig;
import io.behalf.audit.chain.ChainHead;
import io.behalf.audit.chain.Checkpoint;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Signs the heads of all chains every {@code behalf.audit.checkpoint.every-records} records or every
 * {@code behalf.audit.checkpoint.every}, whichever comes first, and only when something was appended since the
 * last checkpoint. With several instances, an advisory lock lets one of them write at a time.
 */
@ApplicationScoped
public class CheckpointWriter {

    private static final Logger LOG = Logger.getLogger(CheckpointWriter.class);
    /** Advisory-lock key of the checkpoint writer (namespace, 0). */
    static final int CHECKPOINT_LOCK = 0x0A0E;

    /** Finds each chain's head with one index probe per chain (a loose index scan), however long the log. */
    private static final String HEADS = """
            with recursive chains(chain) as (
                select min(chain) from audit_record
                union all
                select (select min(r.chain) from audit_record r where r.chain > c.chain) from chains c
                where c.chain is not null)
            select c.chain, h.seq, h.hash from chains c
            cross join lateral (select seq, hash from audit_record r where r.chain = c.chain
                                order by seq desc limit 1) h
            where c.chain is not null order by c.chain""";

    private final EntityManager em;
    private final CheckpointKeys keys;
    private final int everyRecords;
    private final AtomicLong sinceLast = new AtomicLong();

    public CheckpointWriter(EntityManager em, CheckpointKeys keys, AuditConfig config) {
        this.em = em;
        this.keys = keys;
        this.everyRecords = config.checkpoint().everyRecords();
    }

    /** Called after records were committed; the N-th record since the last checkpoint writes the next one. */
    public void recorded(int count) {
        if (sinceLast.addAndGet(count) >= everyRecords) {
            write();
        }
    }

    @Scheduled(identity = "audit-checkpoint", every = "${behalf.audit.checkpoint.every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        write();
    }

    /** Writes a checkpoint of the current heads, unless they are the ones the last checkpoint signed. */
    public synchronized Optional<Checkpoint> write() {
        sinceLast.set(0);
        try {
            return QuarkusTransaction.requiringNew().call(this::writeLocked);
        } catch (RuntimeException e) {
            LOG.warnf("checkpoint not written this time: %s", e.getMessage());
            return Optional.empty();
        }
    }

    /** A checkpoint over the heads as they are now: a new one, or the last one when nothing was appended since. */
    public Optional<Checkpoint> current() {
        return write().or(() -> QuarkusTransaction.requiringNew().call(() -> AuditCheckpoint
                .<AuditCheckpoint>find("order by id desc").firstResultOptional().map(AuditCheckpoint::toCheckpoint)));
    }

    private Optional<Checkpoint> writeLocked() {
        boolean locked = (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(?1, 0)")
                .setParameter(1, CHECKPOINT_LOCK).getSingleResult();
        if (!locked) {
            return Optional.empty();
        }
        List<ChainHead> heads = heads();
        if (heads.isEmpty()) {
            return Optional.empty();
        }
        String headsJson = Checkpoint.headsJson(heads);
        if (headsJson.equals(lastHeads())) {
            return Optional.empty();
        }
        Checkpoint unsigned = new Checkpoint(null, Instant.now(), heads, keys.keyId(), null);
        AuditCheckpoint row = new AuditCheckpoint();
        row.createdAt = unsigned.createdAt();
        row.heads = headsJson;
        row.keyId = keys.keyId();
        row.signature = keys.sign(unsigned.message());
        row.persist();
        return Optional.of(row.toCheckpoint());
    }

    /**
     * The heads the last checkpoint signed. Native SQL: as a Panache query Hibernate parsed the query anew on each
     * call, which cost more CPU than the rest of a checkpoint (bench/README.md).
     */
    private String lastHeads() {
        List<?> last = em.createNativeQuery("select heads from audit_checkpoint order by id desc limit 1", String.class)
                .getResultList();
        return last.isEmpty() ? null : (String) last.get(0);
    }

    @SuppressWarnings("unchecked")
    private List<ChainHead> heads() {
        List<ChainHead> heads = new ArrayList<>();
        for (Object[] row : (List<Object[]>) em.createNativeQuery(HEADS).getResultList()) {
            heads.add(new ChainHead(((Number) row[0]).intValue(), ((Number) row[1]).longValue(), row[2].toString()));
        }
        return heads;
    }
}
