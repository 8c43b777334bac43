package io.cxone.kafka.bridge.feed;

import io.cxone.kafka.bridge.BridgeConfig;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Kafka consumers one connection runs of its own (catch-up readers, group reader), counted against
 * {@code limits.consumers.per.connection} and the bridge-wide {@code limits.consumers.total} of its {@link FeedHub}.
 */
public final class ConnectionConsumers {

    private final BridgeConfig config;
    private final FeedHub hub;
    private final AtomicInteger own = new AtomicInteger();

    public ConnectionConsumers(BridgeConfig config, FeedHub hub) {
        this.config = config;
        this.hub = hub;
    }

    /**
     * Takes a slot for one more Kafka consumer of this connection (catch-up or group reader) from
     * {@code limits.consumers.per.connection} and {@code limits.consumers.total}; null when taken, else the
     * refusal naming the limit. Paired with {@link #release} once that consumer is closed.
     */
    public String reserve() {
        if (own.incrementAndGet() > config.maxConsumersPerConnection()) {
            own.decrementAndGet();
            return "consumer limit reached: this connection already runs " + config.maxConsumersPerConnection()
                    + " Kafka consumers of its own (" + BridgeConfig.LIMIT_CONSUMERS_PER_CONNECTION + "="
                    + config.maxConsumersPerConnection() + "; catch-up and group readers); retry once it has caught up";
        }
        if (!hub.tryAcquireConsumer()) {
            own.decrementAndGet();
            return hub.totalLimitMessage();
        }
        return null;
    }

    public void release() {
        own.decrementAndGet();
        hub.releaseConsumer();
    }
}
