package io.behalf.audit.chain;

import io.behalf.events.audit.AuditRecord;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Recomputes chains record by record (memory per chain, not per record) and checks signed checkpoints against
 * them. Used by {@code GET /audit/verify} on the database and by the offline verifier on a JSON Lines export,
 * so both apply exactly the same rules:
 * <ul>
 * <li>seq is gap-free per chain (a deleted or reordered row shows as the first seq that is not the expected one);</li>
 * <li>prevHash is the previous record's hash ({@link ChainHash#GENESIS} for seq 1);</li>
 * <li>hash is the SHA-256 of the record's canonical form (an edited row shows at its own seq);</li>
 * <li>every checkpoint is signed by the trusted key and its heads are hashes of records that exist.</li>
 * </ul>
 */
public final class ChainVerifier {

    public record BrokenCheckpoint(long id, String reason) {
    }

    public record Result(boolean ok, long checked, Long firstBrokenSeq, Integer firstBrokenChain, String reason,
            int checkpoints, int headsMatched, List<BrokenCheckpoint> brokenCheckpoints) {
    }

    private record Position(int chain, long seq) {
    }

    private static final class ChainState {
        long firstSeq = -1;
        long lastSeq;
        String lastHash;
        boolean broken;
    }

    private record Break(int chain, long seq, String reason) {
    }

    private final boolean fromGenesis;
    private final PublicKey trustedKey;
    private final List<Checkpoint> checkpoints;
    private final Map<Position, String> signedHeads = new HashMap<>();
    private final Map<Integer, ChainState> chains = new HashMap<>();
    private final List<Break> breaks = new ArrayList<>();
    private long checked;

    /**
     * @param fromGenesis true when every chain must start at seq 1 (the database); false for an export that may
     *        start later (its first record of each chain is then trusted as the anchor, and checkpoints prove it)
     */
    public ChainVerifier(boolean fromGenesis, PublicKey trustedKey, List<Checkpoint> checkpoints) {
        this.fromGenesis = fromGenesis;
        this.trustedKey = trustedKey;
        this.checkpoints = List.copyOf(checkpoints);
        for (Checkpoint c : checkpoints) {
            for (ChainHead h : c.heads()) {
                signedHeads.put(new Position(h.chain(), h.seq()), null);
            }
        }
    }

    public void accept(AuditRecord r) {
        checked++;
        ChainState chain = chains.computeIfAbsent(r.chain(), c -> new ChainState());
        Position at = new Position(r.chain(), r.seq());
        if (signedHeads.containsKey(at)) {
            signedHeads.put(at, r.hash());
        }
        if (chain.broken) {
            return;
        }
        if (chain.firstSeq < 0) {
            chain.firstSeq = r.seq();
            if (fromGenesis || r.seq() == 1) {
                expect(chain, r, 1, ChainHash.GENESIS);
            }
        } else {
            expect(chain, r, chain.lastSeq + 1, chain.lastHash);
        }
        if (!chain.broken && !ChainHash.of(r).equals(r.hash())) {
            fail(chain, r.chain(), r.seq(), "hash does not match the record's content");
        }
        chain.lastSeq = r.seq();
        chain.lastHash = r.hash();
    }

    private void expect(ChainState chain, AuditRecord r, long seq, String prevHash) {
        if (r.seq() != seq) {
            fail(chain, r.chain(), Math.min(seq, r.seq()), "expected seq " + seq + " but found " + r.seq()
                    + " (a record was deleted or reordered)");
        } else if (!Objects.equals(prevHash, r.prevHash())) {
            fail(chain, r.chain(), r.seq(), "prevHash is not the hash of the record before");
        }
    }

    private void fail(ChainState chain, int chainId, long seq, String reason) {
        chain.broken = true;
        breaks.add(new Break(chainId, seq, reason));
    }

    public Result result() {
        List<BrokenCheckpoint> broken = new ArrayList<>();
        int matched = 0;
        String trustedId = trustedKey == null ? null : CheckpointSignature.keyId(trustedKey);
        for (Checkpoint c : checkpoints) {
            if (trustedKey == null || !Objects.equals(trustedId, c.keyId())) {
                broken.add(new BrokenCheckpoint(c.id(), "signed by an unknown key " + c.keyId()));
                continue;
            }
            if (!CheckpointSignature.verify(trustedKey, c)) {
                broken.add(new BrokenCheckpoint(c.id(), "signature does not verify"));
                continue;
            }
            for (ChainHead head : c.heads()) {
                if (head.hash().equals(signedHeads.get(new Position(head.chain(), head.seq())))) {
                    matched++;
                }
                String problem = headProblem(head);
                if (problem != null) {
                    broken.add(new BrokenCheckpoint(c.id(), problem));
                    breaks.add(new Break(head.chain(), head.seq(), "checkpoint " + c.id() + ": " + problem));
                    break;
                }
            }
        }
        Break first = breaks.stream()
                .min(Comparator.comparingInt(Break::chain).thenComparingLong(Break::seq)).orElse(null);
        return new Result(first == null && broken.isEmpty(), checked, first == null ? null : first.seq(),
                first == null ? null : first.chain(), first == null ? null : first.reason(), checkpoints.size(),
                matched, broken);
    }

    private String headProblem(ChainHead head) {
        ChainState chain = chains.get(head.chain());
        String hash = signedHeads.get(new Position(head.chain(), head.seq()));
        if (hash != null) {
            return hash.equals(head.hash()) ? null
                    : "chain " + head.chain() + " seq " + head.seq() + " differs from the signed head";
        }
        boolean covered = chain != null && head.seq() >= chain.firstSeq && head.seq() <= chain.lastSeq;
        if (fromGenesis || covered) {
            return "chain " + head.chain() + " seq " + head.seq() + " is missing (signed but no longer stored)";
        }
        return null; // an export that ends before (or starts after) this checkpoint says nothing about it
    }
}
