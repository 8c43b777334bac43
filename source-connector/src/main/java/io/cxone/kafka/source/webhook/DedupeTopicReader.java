package io.cxone.kafka.source.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a task's dedupe window from its topic, so a retry is still recognised after the task restarted or moved to
 * another worker, or when it reaches another task of the connector (tasks share the port, and a load balancer spreads
 * callers over hosts). It reads the {@value #EVENT_ID_HEADER} header of committed records only (read_committed: the
 * events of an aborted transaction were never acknowledged), on a thread of its own.
 *
 * <p>Rebuild: from each partition's first record of the last {@code dedupe.window.ms} ({@code offsetsForTimes}), but
 * at most {@code dedupe.max.entries} records before its end, up to the end offsets found at start; the task waits for
 * it ({@link #awaitRebuilt}) before its listener opens. Follow (with more than one task): then keeps reading what the
 * other tasks publish. Records without a readable header (written by something else) and records older than the
 * window are skipped and counted. A failure never stops the task: the reader logs it and starts again after a pause.
 */
final class DedupeTopicReader implements AutoCloseable {

    static final String EVENT_ID_HEADER = "event-id";

    private static final Logger log = LoggerFactory.getLogger(DedupeTopicReader.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final long RETRY_MILLIS = 5_000;
    /** How often a follower looks for partitions added to the topic (or the topic itself, until it exists). */
    private static final long PARTITION_CHECK_MILLIS = 30_000;

    private static final long UNASSIGNED_CHECK_MILLIS = 2_000;

    /** What the rebuild read. */
    record Rebuild(long records, long remembered, long withoutId, long outsideWindow, int partitions, long millis) {}

    private final String topic;
    private final Map<String, Object> consumerConfig;
    private final EventDeduplicator deduplicator;
    private final long windowMillis;
    private final int maxPerPartition;
    private final boolean follow;
    private final Clock clock;
    private final String owner;
    private final CompletableFuture<Rebuild> rebuilt = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean closed;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    // the rebuild's counts (the reader's thread only)
    private long records;
    private long remembered;
    private long withoutId;
    private long outsideWindow;

    /**
     * @param settings the connector's dedupe consumer settings ({@link WebhookConfig#dedupeConsumerSettings()})
     * @param owner    names the task in log lines and the consumer's client id
     */
    DedupeTopicReader(
            String topic,
            Map<String, Object> settings,
            EventDeduplicator deduplicator,
            Duration window,
            int maxPerPartition,
            boolean follow,
            Clock clock,
            String owner) {
        this.topic = topic;
        this.consumerConfig = consumerConfig(settings, owner);
        this.deduplicator = deduplicator;
        this.windowMillis = window.toMillis();
        this.maxPerPartition = maxPerPartition;
        this.follow = follow;
        this.clock = clock;
        this.owner = owner;
        this.thread = new Thread(this::run, owner + "-dedupe-reader");
        thread.setDaemon(true);
    }

    /** This reader's defaults, the connector's settings, then what the reader depends on (not overridable). */
    static Map<String, Object> consumerConfig(Map<String, Object> settings, String owner) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, owner + "-dedupe");
        config.putAll(settings);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG); // partitions are assigned, never a group's
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return config;
    }

    void start() {
        thread.start();
    }

    /**
     * Waits up to {@code timeout} for the rebuild; what it read, or null (with a warning logged) when it did not end
     * in time. The reader goes on either way.
     */
    Rebuild awaitRebuilt(Duration timeout) {
        try {
            return rebuilt.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn(
                    "{}: dedupe window not rebuilt from topic {} within {} ms; the listener opens with what was read "
                            + "(a retry of an event published earlier may be published again) and reading goes on",
                    owner,
                    topic,
                    timeout.toMillis());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | CancellationException e) {
            return null; // never completed exceptionally; cancelled by close() while the task stops
        }
    }

    private void run() {
        long started = System.nanoTime();
        String failure = null;
        while (!closed) {
            try (KafkaConsumer<byte[], byte[]> kafka =
                    new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer = kafka;
                if (closed) {
                    return; // close() ran before the consumer was there to wake
                }
                records = 0; // a rebuild started again reads again; ids it remembered already are not counted twice
                withoutId = 0;
                outsideWindow = 0;
                Map<TopicPartition, Long> ends = assign(kafka, partitions(kafka));
                while (!closed && !rebuilt.isDone()) {
                    if (reachedEnd(kafka, ends)) {
                        rebuildDone(ends.size(), started);
                    } else {
                        read(kafka.poll(POLL_TIMEOUT));
                    }
                }
                if (failure != null) {
                    log.info("{}: reading topic {} into the dedupe window again", owner, topic);
                    failure = null;
                }
                if (!follow) {
                    return;
                }
                followNewRecords(kafka);
            } catch (WakeupException | InterruptException e) {
                return; // closing
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!e.toString().equals(failure)) {
                    log.warn(
                            "{}: reading topic {} into the dedupe window failed, trying again every {} s: {}",
                            owner,
                            topic,
                            RETRY_MILLIS / 1000,
                            e.toString());
                }
                failure = e.toString();
                if (!pause(RETRY_MILLIS)) {
                    return;
                }
            } finally {
                consumer = null;
            }
        }
    }

    private void followNewRecords(KafkaConsumer<byte[], byte[]> kafka) {
        long nextCheck = clock.millis() + PARTITION_CHECK_MILLIS;
        while (!closed) {
            if (kafka.assignment().isEmpty()) {
                // the topic does not exist yet: the first event creates it
                if (!pause(UNASSIGNED_CHECK_MILLIS)) {
                    return;
                }
                assign(kafka, partitions(kafka));
                continue;
            }
            read(kafka.poll(POLL_TIMEOUT));
            if (clock.millis() >= nextCheck) {
                assign(kafka, partitions(kafka));
                nextCheck = clock.millis() + PARTITION_CHECK_MILLIS;
            }
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> kafka) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : kafka.partitionsFor(topic)) {
            partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
        return partitions;
    }

    /**
     * Adds the partitions not assigned yet, each from its first record of the window but at most maxPerPartition
     * before its end; returns the end offsets (read_committed: the last stable offsets) of those added.
     */
    private Map<TopicPartition, Long> assign(KafkaConsumer<byte[], byte[]> kafka, List<TopicPartition> partitions) {
        Set<TopicPartition> assigned = new HashSet<>(kafka.assignment());
        List<TopicPartition> added = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            if (assigned.add(partition)) {
                added.add(partition);
            }
        }
        if (added.isEmpty()) {
            return Map.of();
        }
        kafka.assign(assigned); // first: the consumer keeps the last stable offsets of assigned partitions only
        Map<TopicPartition, Long> ends = kafka.endOffsets(added);
        Map<TopicPartition, Long> beginnings = kafka.beginningOffsets(added);
        Map<TopicPartition, Long> since = new HashMap<>();
        long windowStart = clock.millis() - windowMillis;
        added.forEach(partition -> since.put(partition, windowStart));
        Map<TopicPartition, OffsetAndTimestamp> byTime = kafka.offsetsForTimes(since);
        for (TopicPartition partition : added) {
            long end = ends.get(partition);
            OffsetAndTimestamp first = byTime.get(partition);
            long from = first == null ? end : first.offset();
            from = Math.max(from, Math.max(beginnings.get(partition), end - maxPerPartition));
            kafka.seek(partition, from);
        }
        return ends;
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> kafka, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (kafka.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void read(ConsumerRecords<byte[], byte[]> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long now = clock.millis();
        long windowStart = now - windowMillis;
        boolean rebuilding = !rebuilt.isDone();
        List<EventDeduplicator.Seen> seen = new ArrayList<>(batch.count());
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            String id = eventId(record);
            if (rebuilding) {
                records++;
            }
            if (id == null) {
                withoutId += rebuilding ? 1 : 0;
            } else if (record.timestamp() < windowStart) {
                outsideWindow += rebuilding ? 1 : 0;
            } else {
                // a timestamp ahead of this clock (another producer's) ages out as if written now
                long written = Math.min(record.timestamp(), now);
                seen.add(new EventDeduplicator.Seen(id, record.topic(), record.partition(), record.offset(), written));
            }
        }
        int added = deduplicator.remember(seen);
        if (rebuilding) {
            remembered += added;
        }
    }

    /** The record's event id: its {@value #EVENT_ID_HEADER} header as UTF-8, or null when it has none that decodes. */
    static String eventId(ConsumerRecord<?, ?> record) {
        Header header = record.headers().lastHeader(EVENT_ID_HEADER);
        if (header == null || header.value() == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(header.value()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private void rebuildDone(int partitions, long startedNanos) {
        Rebuild rebuild = new Rebuild(
                records,
                remembered,
                withoutId,
                outsideWindow,
                partitions,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
        log.info(
                "{}: dedupe window rebuilt from topic {} ({} partitions) in {} ms: {} records read, {} ids remembered, "
                        + "{} without a readable {} header, {} older than the window{}",
                owner,
                topic,
                rebuild.partitions(),
                rebuild.millis(),
                rebuild.records(),
                rebuild.remembered(),
                rebuild.withoutId(),
                EVENT_ID_HEADER,
                rebuild.outsideWindow(),
                follow ? "; following the other tasks' events" : "");
        rebuilt.complete(rebuild);
    }

    /** Waits unless closing; false when closed meanwhile. */
    private boolean pause(long millis) {
        try {
            return !closing.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Ends the reader: wakes its consumer (not its thread: an interrupt would cut the consumer's own close short). */
    @Override
    public void close() {
        closed = true;
        closing.countDown();
        rebuilt.cancel(false);
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
