package io.cxone.kafka.source.export;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Bounded retries: exponential backoff with full jitter, and Retry-After honoured up to the longest backoff. */
public record RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff) {

    /** Delay before attempt {@code attempt + 1} after {@code attempt} failed (1-based). */
    public Duration backoff(int attempt) {
        long ceiling = Math.min(maxBackoff.toMillis(), baseBackoff.toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
    }

    public Duration retryAfter(Duration serverAsked) {
        return serverAsked.compareTo(maxBackoff) > 0 ? maxBackoff : serverAsked;
    }
}
