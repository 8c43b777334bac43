package io.cxone.kafka.source.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests between the HTTP listener and the worker's poll loop. Capacity counts events accepted and not yet
 * settled (queued or handed to Kafka and unacknowledged), so it bounds memory and the work Kafka owes the callers.
 * A request fits whole or not at all.
 */
final class IngestQueue {

    private final int capacity;
    private final AtomicInteger unsettled = new AtomicInteger();
    private final LinkedBlockingQueue<PendingRequest> queue = new LinkedBlockingQueue<>();

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
        List<PendingRequest> taken = new ArrayList<>();
        PendingRequest first = queue.poll(waitMillis, TimeUnit.MILLISECONDS);
        int events = 0;
        while (first != null) {
            if (first.markPolled()) {
                taken.add(first);
                events += first.size();
            }
            PendingRequest next = queue.peek();
            if (next == null || events + next.size() > maxEvents) {
                break;
            }
            first = queue.poll();
        }
        return taken;
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
