package io.cxone.kafka.bridge.session;

import io.cxone.kafka.bridge.BridgeConfig;
import io.cxone.kafka.bridge.catchup.CatchUpReader;
import io.cxone.kafka.bridge.feed.ConnectionConsumers;
import io.cxone.kafka.bridge.feed.FeedAttachment;
import io.cxone.kafka.bridge.feed.FeedHub;
import io.cxone.kafka.bridge.feed.PartitionFeed;
import io.cxone.kafka.bridge.subscription.PartitionLookup;
import io.cxone.kafka.bridge.subscription.SubscribeRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriptions of one connection that read through the shared partition feeds (every mode but group mode):
 * resolves partitions and start positions, sends "subscribed", then joins each partition's feed, at its head at
 * once, or behind it through a {@link CatchUpReader} that hands the partition over once caught up.
 */
final class FeedSubscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(FeedSubscriptions.class);

    private final ClientConnection connection;
    /** Where the feeds and catch-up readers deliver this connection's records. */
    private final ConnectionReaders readersClient;

    private final BridgeConfig config;
    private final FeedHub hub;
    private final PartitionLookup lookup;
    private final ConnectionConsumers consumers;
    /** Partitions read through feeds, and catch-up readers; this list's monitor also orders subscriptions. */
    private final List<FeedAttachment> attached = new ArrayList<>();

    private final List<CatchUpReader> readers = new ArrayList<>();
    private CompletableFuture<Void> applying = CompletableFuture.completedFuture(null);

    FeedSubscriptions(
            ClientConnection connection,
            ConnectionReaders readersClient,
            BridgeConfig config,
            FeedHub hub,
            PartitionLookup lookup,
            ConnectionConsumers consumers) {
        this.connection = connection;
        this.readersClient = readersClient;
        this.config = config;
        this.hub = hub;
        this.lookup = lookup;
        this.consumers = consumers;
    }

    /** Lag of this connection's catch-up readers, per topic. */
    void addLag(Map<String, Long> lag) {
        synchronized (attached) {
            readers.forEach(r -> r.lag().forEach((t, l) -> lag.merge(t, l, Long::sum)));
        }
    }

    /** Subscriptions are applied one after the other, off Jetty's threads (they wait for Kafka metadata). */
    void applyLater(SubscribeRequest request) {
        synchronized (attached) {
            applying = applying.thenRunAsync(
                    () -> {
                        try {
                            apply(request);
                        } catch (RuntimeException e) {
                            connection.kafkaFailed("subscribe failed: " + e.getMessage(), e);
                        }
                    },
                    hub.work());
        }
    }

    /**
     * Resolves partitions and start positions, sends "subscribed", then joins each partition's feed: at its
     * head (start latest) at once, or, for a position behind the head, after a catch-up reader has read up to it.
     */
    private void apply(SubscribeRequest request) {
        if (connection.closing()) {
            return;
        }
        Map<String, List<TopicPartition>> partitions;
        try {
            partitions = lookup.partitions(request);
        } catch (SubscribeRequest.BadSubscribeException e) {
            connection.unsubscribeFailed(request, e.getMessage());
            return;
        }
        List<TopicPartition> all =
                partitions.values().stream().flatMap(List::stream).toList();
        int reading;
        synchronized (attached) {
            reading = attached.size();
        }
        if (reading + all.size() > config.maxPartitionsPerClient()) {
            connection.unsubscribeFailed(
                    request,
                    ClientConnection.LIMIT_EXCEEDED,
                    "partition limit: these topics have " + all.size()
                            + " partitions, this connection reads " + reading + ", at most "
                            + config.maxPartitionsPerClient()
                            + " per connection (" + BridgeConfig.LIMIT_PARTITIONS_PER_CLIENT + ")");
            return;
        }
        connection.shapeFrames(request);
        Map<TopicPartition, Long> starts = lookup.startOffsets(request, all);
        Optional<String> beyondEnd = lookup.offsetBeyondLogEnd(request, starts);
        if (beyondEnd.isPresent()) {
            connection.unsubscribeFailed(request, beyondEnd.get());
            return;
        }
        // A start behind the head needs a catch-up reader: its consumer slot is taken before anything is attached,
        // so a refusal leaves the connection as it was.
        boolean readerReserved = false;
        if (!starts.isEmpty()) {
            String limit = consumers.reserve();
            if (limit != null) {
                connection.unsubscribeFailed(request, ClientConnection.LIMIT_EXCEEDED, limit);
                return;
            }
            readerReserved = true;
        }
        boolean readerStarted = false;
        try {
            readerStarted = attachAll(request, all, starts);
        } finally {
            if (readerReserved && !readerStarted) {
                consumers.release();
            }
        }
    }

    /** Joins every partition's feed (or a new catch-up reader); true if a catch-up reader was started. */
    private boolean attachAll(SubscribeRequest request, List<TopicPartition> all, Map<TopicPartition, Long> starts) {
        Map<String, Map<Integer, Long>> positions = new LinkedHashMap<>();
        List<FeedAttachment> atHead = new ArrayList<>();
        List<FeedAttachment> behind = new ArrayList<>();
        List<FeedAttachment> mine = new ArrayList<>();
        for (TopicPartition tp : all) {
            FeedAttachment a;
            try {
                a = new FeedAttachment(hub.attachReclaiming(tp), new PartitionFeed.Member(readersClient, -1));
            } catch (FeedHub.ConsumerLimitException e) {
                // A new feed would exceed limits.consumers.total: undo this subscription, keep the earlier ones.
                synchronized (attached) {
                    attached.removeAll(mine);
                }
                mine.forEach(m -> m.release(hub));
                connection.unsubscribeFailed(request, ClientConnection.LIMIT_EXCEEDED, e.getMessage());
                return false;
            }
            mine.add(a);
            synchronized (attached) {
                attached.add(a);
            }
            awaitReady(a.feed());
            Long start = starts.get(tp);
            long position;
            if (start == null) {
                position = a.feed().joinAtHead(a.member());
                atHead.add(a);
            } else {
                a.member().next(start);
                position = start;
                behind.add(a);
            }
            positions.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), position);
        }
        LOG.info(
                "client id={} subscribed topics={} start={} positions={} batch={} gzip={}",
                connection.id(),
                request.topics(),
                request.start().kind(),
                positions,
                request.batch(),
                request.gzip());
        connection.sendSubscribed(positions, null);
        atHead.forEach(a -> a.feed().release(a.member()));
        behind.removeIf(a -> a.feed().tryJoin(a.member()));
        boolean started = false;
        if (!behind.isEmpty()) {
            CatchUpReader reader = new CatchUpReader(connection.id(), behind, hub, readersClient);
            synchronized (attached) {
                if (!connection.closing()) {
                    readers.add(reader);
                    reader.start();
                    started = true;
                }
            }
        }
        if (connection.closing()) {
            releaseFeeds();
        }
        return started;
    }

    private static void awaitReady(PartitionFeed feed) {
        try {
            feed.ready().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "feed of " + feed.partition() + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("feed of " + feed.partition() + " not ready: " + e, e);
        }
    }

    /** Leaves every feed this connection reads (once it closes). */
    void releaseFeeds() {
        List<FeedAttachment> all;
        synchronized (attached) {
            all = new ArrayList<>(attached);
            attached.clear();
        }
        all.forEach(a -> a.release(hub));
    }

    void stopReaders() {
        synchronized (attached) {
            readers.forEach(CatchUpReader::stop);
        }
    }

    void awaitReadersStopped(Duration timeout) throws InterruptedException {
        List<CatchUpReader> all;
        synchronized (attached) {
            all = new ArrayList<>(readers);
        }
        for (CatchUpReader r : all) {
            r.awaitStopped(timeout);
        }
    }
}
