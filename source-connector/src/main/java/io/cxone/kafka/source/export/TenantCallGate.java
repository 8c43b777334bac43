package io.cxone.kafka.source.export;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One call per interval per CXone tenant, for every task in this worker: CXone's Data Extraction API accepts one call
 * per 30 s per tenant and answers 429 to the rest. Callers take the next free slot and wait for it, so the tenant's
 * calls are spaced evenly instead of colliding. The interval counts from when a call's answer arrived, not from when
 * it was sent: CXone handled the call somewhere in between, so only then is the next one surely an interval later on
 * CXone's clock (this costs one round trip per call). A 429 anyway (another client of the tenant) moves the next slot
 * to when its {@code Retry-After} says.
 */
final class TenantCallGate implements CxoneHttp.CallGate {

    private static final Map<String, TenantCallGate> GATES = new ConcurrentHashMap<>();

    private final Duration interval;
    private final Clock clock;
    private Instant nextSlot = Instant.MIN;
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

    /** Waits for the next free slot and takes it; interruptible (task stop). */
    @Override
    public void acquire() {
        Instant slot = reserve();
        Duration wait = Duration.between(clock.instant(), slot);
        if (!wait.isNegative() && !wait.isZero()) {
            CxoneHttp.sleep(wait);
        }
    }

    synchronized Instant reserve() {
        Instant now = clock.instant();
        Instant slot = nextSlot.isAfter(now) ? nextSlot : now;
        waitedMs += Duration.between(now, slot).toMillis();
        nextSlot = slot.plus(interval);
        return slot;
    }

    @Override
    public synchronized void answered() {
        Instant earliest = clock.instant().plus(interval);
        if (earliest.isAfter(nextSlot)) {
            nextSlot = earliest;
        }
    }

    @Override
    public synchronized void throttled(Duration retryAfter) {
        Instant earliest = clock.instant().plus(retryAfter);
        if (earliest.isAfter(nextSlot)) {
            nextSlot = earliest;
        }
    }

    synchronized long waitedMs() {
        return waitedMs;
    }
}
