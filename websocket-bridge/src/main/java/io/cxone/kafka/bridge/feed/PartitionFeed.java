package io.cxone.kafka.bridge.feed;

import io.cxone.kafka.bridge.frame.EncodedRecord;
import io.cxone.kafka.bridge.frame.OutboundFrame;
import io.cxone.kafka.common.threads.PluginThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live head of one topic-partition, shared by every client reading it: one Kafka consumer (assign, no
 * group, nothing committed) on one thread reads each record once, encodes its frame once, and hands the same
 * immutable frames to every member whose position it has reached. Handing over never blocks: each client's
 * {@link io.cxone.kafka.bridge.frame.Outbox} is bounded and applies the slow-client policy, so a slow client delays nobody else.
 *
 * <p>Positions stay per client. A member joins at the head ({@link #joinAtHead}) or, when it starts further
 * back, first reads with its own short-lived reader and joins once its next offset has reached the feed's
 * head ({@link #tryJoin}); from then on the feed skips records below the member's next offset. So the hand-over
 * has no gap (the member read everything below its next offset, the feed delivers everything from its head on)
 * and no duplicate (nothing below the member's next offset is delivered twice).
 */
public final class PartitionFeed {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionFeed.class);

    /** What a feed delivers to: one client's subscription to this partition. */
    public interface Client {
        /**
         * Records of this partition in offset order, each at or after the member's position. Never blocks.
         * {@code shared} holds frames already built for other members of the same hand-over (batch frames),
         * keyed by the client's frame shape; null when not sharing (a client's own reader).
         */
        void deliver(List<EncodedRecord> records, Map<Long, List<OutboundFrame>> shared);

        /** The feed stopped on a Kafka error: the client cannot continue on this partition. */
        void feedFailed(TopicPartition partition, String reason);
    }

    /** One client's position on this feed; its fields are guarded by the feed's lock once it has joined. */
    public static final class Member {
        private final Client client;
        private long next;
        private boolean held;
        private List<EncodedRecord> heldRecords;

        public Member(Client client, long next) {
            this.client = client;
            this.next = next;
        }

        /** The next offset this member has to receive (only its reader changes it before it joins). */
        public long next() {
            return next;
        }

        public void next(long offset) {
            next = offset;
        }
    }

    private final TopicPartition partition;
    private final FeedHub hub;
    private final Object lock = new Object();
    private final CompletableFuture<Long> ready = new CompletableFuture<>();
    private final Thread thread;
    /** Members, replaced on every change: fan-out iterates a stable array even if a member leaves meanwhile. */
    private Member[] members = new Member[0];
    /** The offset after the last record handed to members (the consumer's position), guarded by lock. */
    private long head = -1;

    private volatile boolean running = true;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile long lag;
    /** Clients attached through the hub (joined or still catching up); guarded by the hub. */
    int references;
    /** When references last dropped to zero (nanoTime); guarded by the hub. */
    long unusedSince;

    PartitionFeed(TopicPartition partition, FeedHub hub) {
        this.partition = partition;
        this.hub = hub;
        this.thread = PluginThreads.daemonThread("bridge-feed-" + partition, this::run);
    }

    void start() {
        thread.start();
    }

    public TopicPartition partition() {
        return partition;
    }

    /** Completes with the head offset once the feed is positioned at the end of the partition. */
    public CompletableFuture<Long> ready() {
        return ready;
    }

    long lag() {
        return lag;
    }

    /**
     * Joins at the current head and returns it. The member is held: records arriving before {@link #release}
     * are kept for it, so the client can first be sent its "subscribed" frame.
     */
    public long joinAtHead(Member member) {
        synchronized (lock) {
            member.next = head;
            member.held = true;
            member.heldRecords = new ArrayList<>();
            add(member);
            return head;
        }
    }

    /** Delivers what arrived while the member was held, then lets records flow to it. */
    public void release(Member member) {
        synchronized (lock) {
            member.held = false;
            List<EncodedRecord> kept = member.heldRecords;
            member.heldRecords = null;
            if (kept != null && !kept.isEmpty()) {
                member.client.deliver(kept, null);
            }
        }
    }

    /** Joins if the member's position has reached the head (nothing between them to read); false otherwise. */
    public boolean tryJoin(Member member) {
        synchronized (lock) {
            if (member.next < head) {
                return false;
            }
            add(member);
            return true;
        }
    }

    public void leave(Member member) {
        synchronized (lock) {
            List<Member> rest = new ArrayList<>(Arrays.asList(members));
            if (rest.remove(member)) {
                members = rest.toArray(new Member[0]);
            }
        }
    }

    private void add(Member member) {
        Member[] grown = Arrays.copyOf(members, members.length + 1);
        grown[members.length] = member;
        members = grown;
    }

    /** Stops the feed (server shutdown or no client left). */
    void stop() {
        running = false;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    void awaitStopped(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
    }

    /** Runs the feed; gives its slot of {@code limits.consumers.total} back once its consumer is closed. */
    private void run() {
        try {
            read();
        } finally {
            hub.releaseConsumer();
        }
    }

    private void read() {
        Consumer<byte[], byte[]> c;
        try {
            c = hub.newConsumer("websocket-bridge-feed-" + partition);
        } catch (RuntimeException e) {
            fail(e);
            hub.removed(this);
            return;
        }
        consumer = c;
        try {
            c.assign(List.of(partition));
            c.seekToEnd(List.of(partition));
            long start = c.position(partition, Duration.ofSeconds(10));
            synchronized (lock) {
                head = start;
            }
            ready.complete(start);
            LOG.info("feed started topic={} partition={} offset={}", partition.topic(), partition.partition(), start);
            while (running) {
                List<EncodedRecord> encoded =
                        hub.frames().encodeAll(c.poll(hub.pollTimeout()).records(partition));
                // Known locally after a poll (no request): past the last record, and past any transaction markers.
                long position = c.position(partition);
                synchronized (lock) {
                    if (!encoded.isEmpty()) {
                        Map<Long, List<OutboundFrame>> shared = new HashMap<>();
                        for (Member member : members) {
                            handOver(member, encoded, shared);
                        }
                    }
                    head = position;
                }
                c.currentLag(partition).ifPresent(l -> lag = l);
                if (hub.retireIfUnused(this)) {
                    LOG.info(
                            "feed stopped topic={} partition={} offset={} reason=no clients",
                            partition.topic(),
                            partition.partition(),
                            position);
                    break;
                }
            }
        } catch (WakeupException e) {
            // stop() during shutdown
        } catch (RuntimeException e) {
            if (running) {
                fail(e);
            }
        } finally {
            consumer = null;
            hub.removed(this);
            c.close(Duration.ofSeconds(2));
        }
    }

    /** Hands a member the records at or after its position (called with the lock held). */
    private static void handOver(Member member, List<EncodedRecord> encoded, Map<Long, List<OutboundFrame>> shared) {
        int from = 0;
        while (from < encoded.size() && encoded.get(from).offset() < member.next) {
            from++;
        }
        if (from == encoded.size()) {
            return;
        }
        List<EncodedRecord> part = from == 0 ? encoded : encoded.subList(from, encoded.size());
        member.next = encoded.get(encoded.size() - 1).offset() + 1;
        if (member.held) {
            member.heldRecords.addAll(part);
        } else {
            member.client.deliver(part, shared);
        }
    }

    private void fail(RuntimeException e) {
        running = false;
        LOG.error("feed failed topic={} partition={}: {}", partition.topic(), partition.partition(), e.toString(), e);
        ready.completeExceptionally(e);
        Member[] affected;
        synchronized (lock) {
            affected = members;
            members = new Member[0];
        }
        for (Member member : affected) {
            member.client.feedFailed(partition, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
