package io.cxone.kafka.bridge.session;

import io.cxone.kafka.bridge.BridgeConfig;
import io.cxone.kafka.bridge.BridgeMetrics;
import io.cxone.kafka.bridge.catchup.CatchUpReader;
import io.cxone.kafka.bridge.feed.ConnectionConsumers;
import io.cxone.kafka.bridge.feed.FeedHub;
import io.cxone.kafka.bridge.feed.PartitionFeed;
import io.cxone.kafka.bridge.frame.EncodedRecord;
import io.cxone.kafka.bridge.frame.OutboundFrame;
import io.cxone.kafka.bridge.frame.OutboundFrames;
import io.cxone.kafka.bridge.frame.Outbox;
import io.cxone.kafka.bridge.frame.RecordFrames;
import io.cxone.kafka.bridge.group.GroupReader;
import io.cxone.kafka.bridge.subscription.PartitionLookup;
import io.cxone.kafka.bridge.subscription.SubscribeRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of one connection: what its shared feeds ({@link FeedSubscriptions}), catch-up readers and
 * group reader deliver to. Turns their records into the client's frames and queues them without blocking, and
 * owns the group reader of a connection in group mode.
 */
final class ConnectionReaders implements PartitionFeed.Client, CatchUpReader.Client, GroupReader.Client {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionReaders.class);

    private final ClientConnection connection;
    private final BridgeConfig config;
    private final BridgeMetrics metrics;
    private final RecordFrames frames;
    private final OutboundFrames outboundFrames;
    /** Kafka consumers of this connection alone (catch-up readers, group reader), for limits.consumers.per.connection. */
    private final ConnectionConsumers ownConsumers;

    private final FeedSubscriptions feeds;
    private volatile GroupReader groupReader;

    ConnectionReaders(
            ClientConnection connection,
            BridgeConfig config,
            BridgeMetrics metrics,
            RecordFrames frames,
            FeedHub hub,
            PartitionLookup lookup) {
        this.connection = connection;
        this.config = config;
        this.metrics = metrics;
        this.frames = frames;
        this.outboundFrames = new OutboundFrames(config.frameMaxBytes(), this::recordTooLarge);
        this.ownConsumers = new ConnectionConsumers(config, hub);
        this.feeds = new FeedSubscriptions(connection, this, config, hub, lookup, ownConsumers);
    }

    FeedSubscriptions feeds() {
        return feeds;
    }

    /** Lag of this client's own consumers (group mode, catch-up readers); feeds report theirs through the hub. */
    Map<String, Long> lagByTopic() {
        GroupReader group = groupReader;
        Map<String, Long> lag = new HashMap<>(group == null ? Map.of() : group.lag());
        feeds.addLag(lag);
        return lag;
    }

    /**
     * Records of one partition, from a feed or a reader: encoded frames become this client's frames, never
     * blocking ({@link OutboundFrames}).
     */
    @Override
    public void deliver(List<EncodedRecord> records, Map<Long, List<OutboundFrame>> shared) {
        if (connection.closing() || records.isEmpty()) {
            return;
        }
        connection.enqueueAll(
                outboundFrames.of(records, shared, connection.batch(), connection.gzip()), shared != null);
    }

    @Override
    public void deliver(List<EncodedRecord> records) {
        deliver(records, null);
    }

    private void recordTooLarge(EncodedRecord r, int size) {
        metrics.recordTooLarge();
        LOG.warn(
                "client id={} record too large topic={} partition={} offset={} frameBytes={} limit={}",
                connection.id(),
                r.topic(),
                r.partition(),
                r.offset(),
                size,
                config.frameMaxBytes());
    }

    @Override
    public boolean closing() {
        return connection.closing();
    }

    @Override
    public boolean queueHalfFull() {
        return connection.outbox().queuedMessages() > config.queueMaxMessages() / 2;
    }

    @Override
    public void feedFailed(TopicPartition partition, String reason) {
        connection.kafkaFailed("partition feed of " + partition + " failed: " + reason, null);
    }

    @Override
    public void readerFailed(String message, Throwable cause) {
        connection.kafkaFailed(message, cause);
    }

    /** A catch-up or group reader closed its consumer: its slot is free again. */
    @Override
    public void readerStopped() {
        ownConsumers.release();
    }

    // ---- group mode: this connection's own consumer in a consumer group ----

    /** Takes a consumer slot and starts the group reader with it; null when started, else the refusal naming the limit. */
    String startGroupReader(SubscribeRequest request) {
        String limit = ownConsumers.reserve();
        if (limit != null) {
            return limit;
        }
        synchronized (this) {
            if (groupReader == null && !connection.closing()) {
                groupReader = new GroupReader(connection.id(), config, frames, request, this);
                groupReader.start();
            } else {
                ownConsumers.release();
            }
        }
        return null;
    }

    @Override
    public void refused(SubscribeRequest request, String message) {
        connection.unsubscribeFailed(request, message);
    }

    @Override
    public void accepted(SubscribeRequest request) {
        connection.shapeFrames(request);
    }

    @Override
    public void assigned(Map<String, Map<Integer, Long>> positions, String group) {
        connection.sendSubscribed(positions, group);
    }

    void stopReaders() {
        GroupReader group = groupReader;
        if (group != null) {
            group.stop();
        }
        feeds.stopReaders();
    }

    void awaitStopped(Duration timeout) throws InterruptedException {
        GroupReader group = groupReader;
        if (group != null) {
            group.awaitStopped(timeout);
        }
        feeds.awaitReadersStopped(timeout);
    }

    /** Counts sent and dropped frames; in group mode also records their offsets for the next commit. */
    Outbox.Listener commitTracking() {
        return new Outbox.Listener() {
            @Override
            public void sent(OutboundFrame frame) {
                metrics.sent(frame);
                track(frame);
            }

            @Override
            public void dropped(OutboundFrame frame) {
                metrics.dropped(frame);
                track(frame);
            }
        };
    }

    private void track(OutboundFrame frame) {
        GroupReader group = groupReader;
        if (group != null && connection.inGroupMode()) {
            group.track(frame);
        }
    }
}
