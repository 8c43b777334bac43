package io.cxone.kafka.bridge.feed;

import io.cxone.kafka.bridge.BridgeConfig;
import io.cxone.kafka.bridge.KafkaClients;
import io.cxone.kafka.bridge.frame.RecordFrames;
import io.cxone.kafka.common.threads.PluginThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition feeds of a bridge: at most one per topic-partition, started by the first client that needs it
 * and stopped when no client has used it for {@link #UNUSED_LINGER} (a client that reconnects finds it still
 * running). Also runs the clients' subscribe work (Kafka metadata look-ups) off Jetty's threads.
 */
public final class FeedHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FeedHub.class);
    static final Duration UNUSED_LINGER = Duration.ofSeconds(10);

    private final BridgeConfig config;
    private final RecordFrames frames;
    /** Creates the Kafka consumers of feeds and catch-up readers, by client id (a test double in unit tests). */
    private final Function<String, Consumer<byte[], byte[]>> consumerFactory;

    private final Time time;
    private final Map<TopicPartition, PartitionFeed> feeds = new HashMap<>();
    private final ExecutorService work;
    private final ExecutorService writer;
    /** Kafka consumers in use (each on its own thread): partition feeds, catch-up readers, group-mode readers. */
    private final AtomicInteger consumers = new AtomicInteger();

    private boolean closed;

    public FeedHub(BridgeConfig config, RecordFrames frames) {
        this(config, frames, clientId -> new KafkaConsumer<>(KafkaClients.consumer(config, clientId)), Time.SYSTEM);
    }

    /**
     * @param consumerFactory creates the consumer of a feed or catch-up reader from its client id
     * @param time            measures how long a feed has had no client ({@link #UNUSED_LINGER})
     */
    public FeedHub(
            BridgeConfig config,
            RecordFrames frames,
            Function<String, Consumer<byte[], byte[]>> consumerFactory,
            Time time) {
        this.config = config;
        this.frames = frames;
        this.consumerFactory = consumerFactory;
        this.time = time;
        this.work = Executors.newCachedThreadPool(PluginThreads.daemon("bridge-subscribe-%d"));
        this.writer = Executors.newFixedThreadPool(
                Math.max(2, Runtime.getRuntime().availableProcessors()), PluginThreads.daemon("bridge-writer-%d"));
    }

    public RecordFrames frames() {
        return frames;
    }

    public Duration pollTimeout() {
        return config.pollTimeout();
    }

    public ExecutorService work() {
        return work;
    }

    /** Writes clients' queued frames to their sockets, so a feed hands over and goes on reading. */
    public ExecutorService writer() {
        return writer;
    }

    /** The feed of a partition, started if needed; every attach is paired with one {@link #detach}. */
    synchronized PartitionFeed attach(TopicPartition partition) {
        if (closed) {
            throw new IllegalStateException("bridge shutting down");
        }
        PartitionFeed feed = feeds.get(partition);
        if (feed == null) {
            if (!tryAcquireConsumer()) {
                throw new ConsumerLimitException(totalLimitMessage());
            }
            feed = new PartitionFeed(partition, this);
            feeds.put(partition, feed);
            feed.start();
        }
        feed.references++;
        return feed;
    }

    /**
     * As {@link #attach}, but at {@code limits.consumers.total} first stops the feeds no client uses any more
     * (they would otherwise keep their consumers for {@link #UNUSED_LINGER}) and tries once more. Waits for them
     * to close, so call it off Jetty's threads.
     */
    public PartitionFeed attachReclaiming(TopicPartition partition) {
        try {
            return attach(partition);
        } catch (ConsumerLimitException e) {
            if (!reclaimUnusedFeeds()) {
                throw e;
            }
            return attach(partition);
        }
    }

    /** Stops every feed without clients and waits until their consumers are closed; true if there was one. */
    private boolean reclaimUnusedFeeds() {
        List<PartitionFeed> unused;
        synchronized (this) {
            unused = feeds.values().stream().filter(f -> f.references == 0).toList();
            unused.forEach(f -> feeds.remove(f.partition(), f));
        }
        stopAndAwait(unused);
        if (!unused.isEmpty()) {
            LOG.info("consumer limit reached: stopped {} feeds without clients to free their consumers", unused.size());
        }
        return !unused.isEmpty();
    }

    /** Stops feeds and waits (3 s each at most) until their consumers are closed. */
    private static void stopAndAwait(List<PartitionFeed> stopping) {
        stopping.forEach(PartitionFeed::stop);
        for (PartitionFeed feed : stopping) {
            try {
                feed.awaitStopped(Duration.ofSeconds(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /** Feeds no client uses, kept running for {@link #UNUSED_LINGER} in case one comes back. */
    public synchronized int idleFeedCount() {
        return (int) feeds.values().stream().filter(f -> f.references == 0).count();
    }

    /**
     * Takes one of {@code limits.consumers.total} for a new Kafka consumer and its thread; false when all are in
     * use. Every successful call is paired with one {@link #releaseConsumer} once that consumer is closed.
     */
    public boolean tryAcquireConsumer() {
        int max = config.maxConsumers();
        while (true) {
            int n = consumers.get();
            if (n >= max) {
                return false;
            }
            if (consumers.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void releaseConsumer() {
        consumers.decrementAndGet();
    }

    public int consumerCount() {
        return consumers.get();
    }

    public String totalLimitMessage() {
        return "consumer limit reached: the bridge already runs " + config.maxConsumers() + " Kafka consumers ("
                + BridgeConfig.LIMIT_CONSUMERS_TOTAL + "=" + config.maxConsumers()
                + "; partition feeds, catch-up and group readers)";
    }

    /** A subscription would need a Kafka consumer beyond a limit; the message names the limit and its setting. */
    public static final class ConsumerLimitException extends RuntimeException {
        public ConsumerLimitException(String message) {
            super(message);
        }
    }

    public synchronized void detach(PartitionFeed feed) {
        if (--feed.references == 0) {
            feed.unusedSince = time.nanoseconds();
        }
    }

    /** Asked by a feed after each poll: true (and forgotten) when no client has used it for the linger time. */
    synchronized boolean retireIfUnused(PartitionFeed feed) {
        if (feed.references > 0 || time.nanoseconds() - feed.unusedSince < UNUSED_LINGER.toNanos()) {
            return false;
        }
        feeds.remove(feed.partition(), feed);
        return true;
    }

    synchronized void removed(PartitionFeed feed) {
        feeds.remove(feed.partition(), feed);
    }

    /** Records behind the log end, summed over each topic's feeds. */
    public synchronized Map<String, Long> lagByTopic() {
        Map<String, Long> lag = new HashMap<>();
        feeds.values().forEach(f -> lag.merge(f.partition().topic(), f.lag(), Long::sum));
        return lag;
    }

    public synchronized int feedCount() {
        return feeds.size();
    }

    /** A consumer for a feed or a catch-up reader (settings of {@link KafkaClients#consumer}). */
    public Consumer<byte[], byte[]> newConsumer(String clientId) {
        return consumerFactory.apply(clientId);
    }

    @Override
    public void close() {
        List<PartitionFeed> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(feeds.values());
        }
        stopAndAwait(all);
        work.shutdownNow();
        writer.shutdown();
        try {
            work.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("feeds stopped: {}", all.size());
    }
}
