package io.cxone.kafka.bridge;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The partition feeds of a bridge: at most one per topic-partition, started by the first client that needs it
 * and stopped when no client has used it for {@link #UNUSED_LINGER} (a client that reconnects finds it still
 * running). Also runs the clients' subscribe work (Kafka metadata look-ups) off Jetty's threads.
 */
final class FeedHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FeedHub.class);
    static final Duration UNUSED_LINGER = Duration.ofSeconds(10);

    private final BridgeConfig config;
    private final RecordFrames frames;
    private final Map<TopicPartition, PartitionFeed> feeds = new HashMap<>();
    private final ExecutorService work;
    private final ExecutorService writer;
    private boolean closed;

    FeedHub(BridgeConfig config, RecordFrames frames) {
        this.config = config;
        this.frames = frames;
        AtomicInteger n = new AtomicInteger();
        this.work = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bridge-subscribe-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        AtomicInteger w = new AtomicInteger();
        this.writer = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "bridge-writer-" + w.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    RecordFrames frames() {
        return frames;
    }

    Duration pollTimeout() {
        return config.pollTimeout();
    }

    ExecutorService work() {
        return work;
    }

    /** Writes clients' queued frames to their sockets, so a feed hands over and goes on reading. */
    ExecutorService writer() {
        return writer;
    }

    /** The feed of a partition, started if needed; every attach is paired with one {@link #detach}. */
    synchronized PartitionFeed attach(TopicPartition partition) {
        if (closed) {
            throw new IllegalStateException("bridge shutting down");
        }
        PartitionFeed feed = feeds.get(partition);
        if (feed == null) {
            feed = new PartitionFeed(partition, this);
            feeds.put(partition, feed);
            feed.start();
        }
        feed.references++;
        return feed;
    }

    synchronized void detach(PartitionFeed feed) {
        if (--feed.references == 0) {
            feed.unusedSince = System.nanoTime();
        }
    }

    /** Asked by a feed after each poll: true (and forgotten) when no client has used it for the linger time. */
    synchronized boolean retireIfUnused(PartitionFeed feed) {
        if (feed.references > 0 || System.nanoTime() - feed.unusedSince < UNUSED_LINGER.toNanos()) {
            return false;
        }
        feeds.remove(feed.partition(), feed);
        return true;
    }

    synchronized void removed(PartitionFeed feed) {
        feeds.remove(feed.partition(), feed);
    }

    /** Records behind the log end, summed over each topic's feeds. */
    synchronized Map<String, Long> lagByTopic() {
        Map<String, Long> lag = new HashMap<>();
        feeds.values().forEach(f -> lag.merge(f.partition().topic(), f.lag(), Long::sum));
        return lag;
    }

    synchronized int feedCount() {
        return feeds.size();
    }

    /**
     * Consumer settings of feeds and readers: assign only (no group unless group mode), nothing committed,
     * read_committed, then {@code kafka.consumer.*} overrides.
     */
    Properties consumerProperties(String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // A resume offset already deleted by retention restarts at the log start rather than failing.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(512 * 1024));
        // One fetch per partition now serves every client: let the broker gather up to 32 KiB or 10 ms, so
        // each hand-over (one socket write per client) carries a batch of records at little added latency.
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(32 * 1024));
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        p.putAll(config.consumerOverrides());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    @Override
    public void close() {
        List<PartitionFeed> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(feeds.values());
        }
        all.forEach(PartitionFeed::stop);
        for (PartitionFeed feed : all) {
            try {
                feed.awaitStopped(Duration.ofSeconds(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
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
