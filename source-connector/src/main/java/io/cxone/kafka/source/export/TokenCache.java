package io.cxone.kafka.source.export;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The bearer token for CXone calls: fetched on first use, refreshed 30 s before it expires, and dropped
 * when CXone answers 401 so the next call fetches a new one. The token itself is never logged.
 */
public final class TokenCache {

    public record Token(String value, Duration expiresIn) {
        @Override
        public String toString() {
            return "Token[expiresIn=" + expiresIn + "]";
        }
    }

    private static final Duration REFRESH_EARLY = Duration.ofSeconds(30);

    private final Supplier<Token> fetch;
    private final Clock clock;
    private Token token;
    private Instant refreshAt = Instant.MIN;

    public TokenCache(Supplier<Token> fetch, Clock clock) {
        this.fetch = fetch;
        this.clock = clock;
    }

    public synchronized String get() {
        if (token == null || !clock.instant().isBefore(refreshAt)) {
            token = fetch.get();
            Duration life = token.expiresIn().minus(REFRESH_EARLY);
            refreshAt = clock.instant().plus(life.isNegative() ? Duration.ZERO : life);
        }
        return token.value();
    }

    public synchronized void invalidate() {
        token = null;
    }
}
