package io.cxone.kafka.common.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter: the delay before retry {@code n} is uniform in
 * {@code [0, min(max, base * 2^(n-1))]}, so clients that failed together spread over the whole window instead of
 * retrying in step. A server's own answer ({@code Retry-After}) is honoured up to {@code max}.
 */
public final class Backoff {

    /** Doubling stops here: {@code base << 30} already exceeds any sensible maximum. */
    private static final int MAX_SHIFT = 30;

    private final long baseMs;
    private final long maxMs;
    private final LongUnaryOperator uniformUpTo;

    /**
     * @param base first window (retry 1 waits up to this long)
     * @param max  largest window, and the longest {@code Retry-After} honoured; raised to {@code base} if lower
     */
    public Backoff(Duration base, Duration max) {
        this(base, max, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
    }

    /** With the random source given: {@code uniformUpTo.applyAsLong(b)} returns a value in {@code [0, b]}. */
    Backoff(Duration base, Duration max, LongUnaryOperator uniformUpTo) {
        this.baseMs = Math.max(1, base.toMillis());
        this.maxMs = Math.max(baseMs, max.toMillis());
        this.uniformUpTo = Objects.requireNonNull(uniformUpTo);
    }

    /** The largest delay retry {@code attempt} (1 = first retry) may draw. */
    public Duration window(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), MAX_SHIFT);
        return Duration.ofMillis(Math.min(maxMs, baseMs << shift));
    }

    /** The delay before retry {@code attempt} (1 = first retry): uniform in {@code [0, window(attempt)]}. */
    public Duration delay(int attempt) {
        return Duration.ofMillis(uniformUpTo.applyAsLong(window(attempt).toMillis()));
    }

    /** What a server asked for ({@code Retry-After}), capped at the largest window. */
    public Duration retryAfter(Duration serverAsked) {
        return serverAsked.toMillis() > maxMs ? Duration.ofMillis(maxMs) : serverAsked;
    }

    public Duration base() {
        return Duration.ofMillis(baseMs);
    }

    public Duration max() {
        return Duration.ofMillis(maxMs);
    }

    @Override
    public String toString() {
        return "full-jitter backoff " + baseMs + " ms doubling to " + maxMs + " ms";
    }
}
