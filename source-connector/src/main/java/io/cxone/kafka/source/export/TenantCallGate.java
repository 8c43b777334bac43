package io.cxone.kafka.source.export;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One call per interval per CXone tenant, for every thread of every task in this worker: CXone's Data Extraction API
 * accepts one call per 30 s per tenant and answers 429 to the rest. A call waits until no other call of the tenant is
 * in flight and an interval has passed since the previous one's answer, then goes out. The interval counts from when a
 * call's answer arrived, not from when it was sent: CXone handled the call somewhere in between, so only then is the
 * next one surely an interval later on CXone's clock (this costs one round trip per call). Taking slots ahead instead
 * (the next one an interval after the previous one's start) let a call whose request was slow to reach CXone be
 * followed too soon by another thread's, which CXone answered 429. A 429 anyway (another client of the tenant) moves
 * the next call to when its {@code Retry-After} says.
 */
final class TenantCallGate implements CxoneHttp.CallGate {

    private static final Map<String, TenantCallGate> GATES = new ConcurrentHashMap<>();

    private final Duration interval;
    private final Clock clock;
    private Instant nextSlot = Instant.MIN;
    private boolean inFlight;
    private long waitedMs;

    TenantCallGate(Duration interval, Clock clock) {
        this.interval = interval;
        this.clock = clock;
    }

    /** The gate of {@code tenant} (issuer and access key) in this worker; null when {@code interval} is zero. */
    static TenantCallGate forTenant(String tenant, Duration interval) {
        if (interval.isZero()) {
            return null;
        }
        TenantCallGate gate = GATES.computeIfAbsent(
                tenant + "|" + interval.toMillis(), k -> new TenantCallGate(interval, Clock.systemUTC()));
        return gate;
    }

    Duration interval() {
        return interval;
    }

    /**
     * Waits until no call of the tenant is in flight and the next slot has come, and takes it: the caller's call is
     * in flight until {@link #answered}. Interruptible (task stop).
     */
    @Override
    public synchronized void acquire() {
        Instant start = clock.instant();
        try {
            while (true) {
                Instant now = clock.instant();
                if (!inFlight && !nextSlot.isAfter(now)) {
                    inFlight = true;
                    nextSlot = now.plus(interval); // at the earliest; the answer moves it on
                    waitedMs += Duration.between(start, now).toMillis();
                    return;
                }
                wait(inFlight ? 0 : Math.max(1, Duration.between(now, nextSlot).toMillis()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CxoneHttp.TaskStoppedException();
        }
    }

    /** The call in flight got its answer (or failed): the next one may go an interval from now. */
    @Override
    public synchronized void answered() {
        Instant earliest = clock.instant().plus(interval);
        if (earliest.isAfter(nextSlot)) {
            nextSlot = earliest;
        }
        inFlight = false;
        notifyAll();
    }

    @Override
    public synchronized void throttled(Duration retryAfter) {
        Instant earliest = clock.instant().plus(retryAfter);
        if (earliest.isAfter(nextSlot)) {
            nextSlot = earliest;
        }
        notifyAll();
    }

    /** When the next call may go out at the earliest. */
    synchronized Instant nextSlot() {
        return nextSlot;
    }

    synchronized long waitedMs() {
        return waitedMs;
    }
}
