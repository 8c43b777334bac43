package io.cxone.kafka.source.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Requests between the HTTP listener and the worker's poll loop. Capacity counts events accepted and not yet
 * settled (queued or handed to Kafka and unacknowledged), so it bounds memory and the work Kafka owes the callers.
 * A request fits whole or not at all.
 */
final class IngestQueue {

    /** How often a lingering take looks for new requests. */
    static final long LINGER_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int capacity;
    private final AtomicInteger unsettled = new AtomicInteger();
    private final LinkedBlockingDeque<PendingRequest> queue = new LinkedBlockingDeque<>();

    IngestQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Queues the whole request, or returns false (nothing queued) when its events do not fit. */
    boolean offer(PendingRequest request) {
        int events = request.size();
        while (true) {
            int current = unsettled.get();
            if (current + events > capacity) {
                return false;
            }
            if (unsettled.compareAndSet(current, current + events)) {
                break;
            }
        }
        request.acked().whenComplete((metadata, error) -> unsettled.addAndGet(-events));
        queue.add(request);
        return true;
    }

    /**
     * Takes whole requests totalling at most {@code maxEvents} events (at least one request when any is queued),
     * waiting up to {@code waitMillis} for the first. Withdrawn requests are skipped.
     */
    List<PendingRequest> take(int maxEvents, long waitMillis) throws InterruptedException {
        return take(maxEvents, waitMillis, 0);
    }

    /**
     * As {@link #take(int, long)}, and once the first request is there, keeps taking requests as they arrive for
     * up to {@code lingerNanos} (or until {@code maxEvents}): with exactly-once each poll is a transaction, so a
     * short wait for callers answered by the previous commit makes one transaction where there would be two.
     * While lingering it looks at the queue every {@link #LINGER_SLICE_NANOS} instead of waiting on it, so callers
     * adding requests do not each wake the worker's thread (thousands of wake-ups a second with one event per request).
     */
    List<PendingRequest> take(int maxEvents, long waitMillis, long lingerNanos) throws InterruptedException {
        List<PendingRequest> taken = new ArrayList<>();
        PendingRequest next = queue.poll(waitMillis, TimeUnit.MILLISECONDS);
        long lingerUntil = System.nanoTime() + lingerNanos;
        int events = 0;
        while (next != null) {
            if (!taken.isEmpty() && events + next.size() > maxEvents) {
                queue.offerFirst(next); // never split: it leads the next poll
                break;
            }
            if (next.markPolled()) {
                taken.add(next);
                events += next.size();
            }
            if (events >= maxEvents) {
                break;
            }
            next = queue.poll();
            for (long lingering = lingerUntil - System.nanoTime();
                    next == null && lingering > 0 && !taken.isEmpty();
                    lingering = lingerUntil - System.nanoTime()) {
                LockSupport.parkNanos(Math.min(lingering, LINGER_SLICE_NANOS));
                if (Thread.currentThread().isInterrupted()) {
                    return taken; // hand over what was taken; the worker sees the interrupt next
                }
                next = queue.poll();
            }
        }
        return taken;
    }

    /** Visits the requests still waiting in the queue (weakly consistent: requests may come and go meanwhile). */
    void forEachQueued(Consumer<PendingRequest> action) {
        queue.forEach(action);
    }

    /** Queued requests that never reached Kafka, removed from the queue (on stop). */
    List<PendingRequest> drainQueued() {
        List<PendingRequest> drained = new ArrayList<>();
        queue.drainTo(drained);
        return drained;
    }

    /** Events accepted and not yet acknowledged, failed or withdrawn. */
    int depth() {
        return unsettled.get();
    }

    int capacity() {
        return capacity;
    }
}
