package io.behalf.messaging;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A few threads that claim and work items while any are due. A {@link #nudge()} starts a worker if one is free;
 * a worker that claimed an item starts another before working it (more may be due), and keeps claiming until
 * nothing is due. A nudge that arrives while every worker is busy is not lost: a worker finishing its round looks
 * again when a nudge came after its round began. Which items a claim may take (one at a time, SKIP LOCKED, one
 * per account) is the claim's business; this only decides how many claim at once. Used by the release and the
 * Slack task workers.
 */
public final class WorkerPool<T> {

    private final String name;
    private final Supplier<Optional<T>> claim;
    private final Consumer<T> work;
    private final Logger log;
    private final ExecutorService threads;
    private final Semaphore free;
    private final AtomicLong nudges = new AtomicLong();
    private volatile boolean stopping;

    public WorkerPool(String name, int size, Supplier<Optional<T>> claim, Consumer<T> work, Logger log) {
        if (size < 1) {
            throw new IllegalArgumentException(name + ": at least one worker, not " + size);
        }
        this.name = name;
        this.claim = claim;
        this.work = work;
        this.log = log;
        this.free = new Semaphore(size);
        AtomicInteger number = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(size, r -> new Thread(r, name + "-" + number.incrementAndGet()));
    }

    /** Asks for a round soon; nudges while every worker is busy make those workers look once more. */
    public void nudge() {
        nudges.incrementAndGet();
        startWorker();
    }

    /** No new rounds or claims from now on; a worker finishes the item in hand unless interrupted. */
    public void stop() {
        stopping = true;
    }

    /** Stops and interrupts the workers. */
    public void shutdownNow() {
        stopping = true;
        threads.shutdownNow();
    }

    private void startWorker() {
        if (stopping || !free.tryAcquire()) {
            return;
        }
        try {
            threads.execute(this::drain);
        } catch (RejectedExecutionException e) {
            free.release();
        }
    }

    /** Runs with one of the permits held; gives it back when nothing is due. */
    private void drain() {
        boolean again = true;
        while (again) {
            long seen = nudges.get();
            boolean failed = false;
            try {
                Optional<T> item;
                while (!stopping && (item = claim.get()).isPresent()) {
                    startWorker();
                    work.accept(item.get());
                }
            } catch (RuntimeException e) {
                // the database may be away for a moment; the next poll tries again
                failed = true;
                log.warnf("%s round failed: %s", name, e.toString());
            } finally {
                free.release();
            }
            again = !failed && !stopping && nudges.get() != seen && free.tryAcquire();
        }
    }
}
