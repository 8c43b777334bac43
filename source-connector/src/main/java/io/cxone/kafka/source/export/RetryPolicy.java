package io.cxone.kafka.source.export;

import io.cxone.kafka.common.retry.Backoff;
import java.time.Duration;

/**
 * Bounded retries of one CXone call: at most {@code maxAttempts} failed attempts, waiting by {@code backoff} between
 * them. A 429 is CXone pacing the caller, not a failure: it is waited out without counting as an attempt, for up to
 * {@link #throttleBudget()} in one call.
 */
public record RetryPolicy(int maxAttempts, Backoff backoff) {

    /** How long one call may wait on 429s before they count as failed attempts: ten full backoffs per attempt. */
    public Duration throttleBudget() {
        return backoff.max().multipliedBy(10L * maxAttempts);
    }

    /** Delay before attempt {@code attempt + 1} after {@code attempt} failed (1-based): full jitter. */
    public Duration delayAfter(int attempt) {
        return backoff.delay(attempt);
    }

    /** What the server asked for ({@code Retry-After}), capped at the longest backoff. */
    public Duration retryAfter(Duration serverAsked) {
        return backoff.retryAfter(serverAsked);
    }
}
