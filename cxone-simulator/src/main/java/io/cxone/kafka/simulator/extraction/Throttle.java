package io.cxone.kafka.simulator.extraction;

import io.cxone.kafka.simulator.fault.FaultType;
import io.cxone.kafka.simulator.http.ApiException;
import io.cxone.kafka.simulator.http.Exchange;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * "You can only call the API once in a 30 second period" (CXone Data Extraction docs), per tenant. Only accepted
 * calls restart the period, so a client that retries too early keeps getting 429 with the time still to wait.
 */
final class Throttle {
    private final Duration configuredInterval;
    private final Clock clock;
    private Instant lastAccepted;

    Throttle(Duration configuredInterval, Clock clock) {
        this.configuredInterval = configuredInterval;
        this.clock = clock;
    }

    synchronized void admit(Exchange exchange) {
        Duration interval = exchange.peekFault(FaultType.THROTTLE)
                .map(spec -> Duration.ofSeconds(spec.intervalSeconds()))
                .orElse(configuredInterval);
        Instant now = clock.instant();
        if (!interval.isZero() && lastAccepted != null) {
            Duration wait = Duration.between(now, lastAccepted.plus(interval));
            if (wait.compareTo(Duration.ZERO) > 0) {
                long retryAfter = Math.max(1, (wait.toMillis() + 999) / 1000);
                exchange.noteFault(FaultType.THROTTLE);
                throw new ApiException(429, "too_many_requests", "the Data Extraction API accepts one call per "
                        + interval.toSeconds() + " s per tenant; retry in " + retryAfter + " s")
                        .withHeader("Retry-After", Long.toString(retryAfter));
            }
        }
        lastAccepted = now;
    }
}
