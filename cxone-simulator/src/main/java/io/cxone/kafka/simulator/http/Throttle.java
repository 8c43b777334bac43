package io.cxone.kafka.simulator.http;

import io.cxone.kafka.simulator.fault.FaultType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One accepted call per interval per tenant: "you can only call the API once in a 30 second period" (CXone Data
 * Extraction docs), and the Reporting API's rate limit. Only accepted calls restart the period, so a client that
 * retries too early keeps getting 429 with the time still to wait. A {@code throttle} fault overrides the interval.
 */
public final class Throttle {
    private final String api;
    private final Duration configuredInterval;
    private final Clock clock;
    private Instant lastAccepted;
    /** Since the last {@link #resetStats}: calls, 429s, 429s to calls after the first, first and last accepted call. */
    private long calls;

    private long throttled;
    private long throttledAfterFirst;
    private Instant firstAcceptedSince;
    private Instant lastAcceptedSince;

    /** {@code api} names the API in the 429's description; a ZERO interval admits every call. */
    public Throttle(String api, Duration configuredInterval, Clock clock) {
        this.api = api;
        this.configuredInterval = configuredInterval;
        this.clock = clock;
    }

    public synchronized void admit(Exchange exchange) {
        Duration interval = exchange.peekFault(FaultType.THROTTLE)
                .map(spec -> Duration.ofSeconds(spec.intervalSeconds()))
                .orElse(configuredInterval);
        Instant now = clock.instant();
        calls++;
        if (!interval.isZero() && lastAccepted != null) {
            Duration wait = Duration.between(now, lastAccepted.plus(interval));
            if (wait.compareTo(Duration.ZERO) > 0) {
                throttled++;
                if (calls > 1) {
                    throttledAfterFirst++;
                }
                long retryAfter = Math.max(1, (wait.toMillis() + 999) / 1000);
                exchange.noteFault(FaultType.THROTTLE);
                throw new ApiException(
                                429,
                                "too_many_requests",
                                "the " + api + " accepts one call per " + describe(interval) + " per tenant; retry in "
                                        + retryAfter + " s")
                        .withHeader("Retry-After", Long.toString(retryAfter));
            }
        }
        lastAccepted = now;
        if (firstAcceptedSince == null) {
            firstAcceptedSince = now;
        }
        lastAcceptedSince = now;
    }

    /**
     * What clients met since the last reset: {@code calls}, {@code throttled} (answered 429),
     * {@code throttledAfterFirst} (429s to any call but the first, which may meet a period another client started),
     * and the epoch millis of the first and last accepted call (null before one).
     */
    public synchronized Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("calls", calls);
        stats.put("throttled", throttled);
        stats.put("throttledAfterFirst", throttledAfterFirst);
        stats.put("firstAcceptedAtMs", firstAcceptedSince == null ? null : firstAcceptedSince.toEpochMilli());
        stats.put("lastAcceptedAtMs", lastAcceptedSince == null ? null : lastAcceptedSince.toEpochMilli());
        return stats;
    }

    /** Zeroes {@link #stats}; the period of the last accepted call still holds. */
    public synchronized void resetStats() {
        calls = 0;
        throttled = 0;
        throttledAfterFirst = 0;
        firstAcceptedSince = null;
        lastAcceptedSince = null;
    }

    private static String describe(Duration interval) {
        return interval.toMillis() % 1000 == 0 ? interval.toSeconds() + " s" : interval.toMillis() + " ms";
    }
}
