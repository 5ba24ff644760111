package io.behalf.messaging;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Turns "these shards have new committed events" into relay rounds on a thread of their own, one at a time: the
 * committing thread only hands over the shards, and many nudges while a round is pending make one round over the
 * union of their shards, so a burst of small commits does not cost a relay round each.
 */
public final class RelayNudges implements AutoCloseable {

    private final ExecutorService thread;
    private final Consumer<Set<Integer>> round;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Set<Integer> dirty = ConcurrentHashMap.newKeySet();

    public RelayNudges(String threadName, Consumer<Set<Integer>> round) {
        this.thread = Executors.newSingleThreadExecutor(r -> new Thread(r, threadName));
        this.round = round;
    }

    /** Asks for a round over these shards soon. */
    public void nudge(Set<Integer> shards) {
        dirty.addAll(shards);
        if (pending.compareAndSet(false, true)) {
            thread.execute(() -> {
                pending.set(false);
                Set<Integer> shardsOfRound = new TreeSet<>();
                for (Integer shard : dirty) {
                    if (dirty.remove(shard)) {
                        shardsOfRound.add(shard);
                    }
                }
                round.accept(shardsOfRound);
            });
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
