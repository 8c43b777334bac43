package io.cxone.kafka.bridge;

import io.cxone.kafka.bridge.feed.FeedHub;
import io.cxone.kafka.bridge.frame.RecordFrames;
import io.cxone.kafka.bridge.session.ClientConnection;
import io.cxone.kafka.bridge.session.ClientTransport;
import io.cxone.kafka.bridge.subscription.PartitionLookup;
import io.cxone.kafka.bridge.subscription.SubscribeRequest;
import io.cxone.kafka.common.RejectionLog;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open client connections of a bridge, WebSocket and SSE alike, and the one way a new one is made: with the
 * bridge's feeds, frames and limits, registered until its transport reports it closed.
 */
final class ClientRegistry {

    private final BridgeConfig config;
    private final BridgeMetrics metrics;
    private final RecordFrames frames;
    private final FeedHub hub;
    private final PartitionLookup lookup;
    private final RejectionLog rejections;
    private final Map<Long, ClientConnection> clients = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    /** Bytes queued for all clients together ({@code limits.queued.bytes.total}). */
    private final AtomicLong queuedBytesTotal = new AtomicLong();

    ClientRegistry(
            BridgeConfig config,
            BridgeMetrics metrics,
            RecordFrames frames,
            FeedHub hub,
            PartitionLookup lookup,
            RejectionLog rejections) {
        this.config = config;
        this.metrics = metrics;
        this.frames = frames;
        this.hub = hub;
        this.lookup = lookup;
        this.rejections = rejections;
    }

    /**
     * A new connection on {@code transport}, attached to it and registered; {@code release} gives back its connection
     * slot once it is closed.
     */
    ClientConnection open(
            ClientTransport transport,
            String remote,
            BridgeConfig.Token token,
            SubscribeRequest initial,
            String initialError,
            Runnable release) {
        long id = ids.incrementAndGet();
        metrics.connectionsOpened.increment();
        ClientConnection connection = new ClientConnection(
                id,
                remote,
                token,
                config,
                metrics,
                frames,
                hub,
                lookup,
                queuedBytesTotal,
                rejections,
                initial,
                initialError,
                transport,
                () -> {
                    clients.remove(id);
                    release.run();
                });
        transport.attach(connection);
        clients.put(id, connection);
        return connection;
    }

    Collection<ClientConnection> all() {
        return clients.values();
    }

    int size() {
        return clients.size();
    }
}
