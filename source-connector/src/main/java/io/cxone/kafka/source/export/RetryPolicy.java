package io.cxone.kafka.source.export;

import io.cxone.kafka.common.retry.Backoff;
import java.time.Duration;

/** Bounded retries of one CXone call: at most {@code maxAttempts} attempts, waiting by {@code backoff} between them. */
public record RetryPolicy(int maxAttempts, Backoff backoff) {

    /** Delay before attempt {@code attempt + 1} after {@code attempt} failed (1-based): full jitter. */
    public Duration delayAfter(int attempt) {
        return backoff.delay(attempt);
    }

    /** What the server asked for ({@code Retry-After}), capped at the longest backoff. */
    public Duration retryAfter(Duration serverAsked) {
        return backoff.retryAfter(serverAsked);
    }
}
