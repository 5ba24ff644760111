package io.behalf.audit.chain;

/** The last record of one chain: what a checkpoint signs. */
public record ChainHead(int chain, long seq, String hash) {
}
