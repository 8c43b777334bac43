package io.cxone.kafka.bridge.catchup;

import io.cxone.kafka.bridge.feed.ClientReader;
import io.cxone.kafka.bridge.feed.FeedAttachment;
import io.cxone.kafka.bridge.feed.FeedHub;
import io.cxone.kafka.bridge.feed.PartitionFeed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, for one client alone, the partitions it starts behind their feed's head (earliest, a timestamp,
 * resume offsets), and hands each over to its feed as soon as it has caught up: its next offset has reached
 * the head. Waits while the client's queue is half full, so catching up drops nothing for a client that
 * reads slowly. Exits once every partition has joined.
 */
public final class CatchUpReader extends ClientReader {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUpReader.class);

    /** The client a reader reads for. */
    public interface Client extends ClientReader.Client {
        /** True while the client's queue is at least half full: the reader waits. */
        boolean queueHalfFull();
    }

    private final long clientId;
    private final FeedHub hub;
    private final Client client;
    private final Map<TopicPartition, FeedAttachment> behind = new HashMap<>();

    public CatchUpReader(long clientId, List<FeedAttachment> partitions, FeedHub hub, Client client) {
        super("bridge-client-" + clientId + "-catch-up", client);
        this.clientId = clientId;
        this.hub = hub;
        this.client = client;
        partitions.forEach(a -> behind.put(a.feed().partition(), a));
    }

    @Override
    protected void read() {
        Consumer<byte[], byte[]> c = hub.newConsumer("websocket-bridge-client-" + clientId);
        reading(c);
        try {
            if (client.closing()) {
                return;
            }
            c.assign(behind.keySet());
            behind.forEach((tp, a) -> c.seek(tp, a.member().next()));
            LOG.info("client id={} catching up partitions={}", clientId, behind.keySet());
            while (!client.closing() && !behind.isEmpty()) {
                awaitRoom();
                ConsumerRecords<byte[], byte[]> records = c.poll(hub.pollTimeout());
                for (TopicPartition tp : records.partitions()) {
                    client.deliver(hub.frames().encodeAll(records.records(tp)));
                }
                List<TopicPartition> joined = new ArrayList<>();
                for (Map.Entry<TopicPartition, FeedAttachment> e : behind.entrySet()) {
                    PartitionFeed.Member member = e.getValue().member();
                    member.next(c.position(e.getKey(), Duration.ofSeconds(10)));
                    if (e.getValue().feed().tryJoin(member)) {
                        joined.add(e.getKey());
                    }
                }
                if (!joined.isEmpty()) {
                    c.pause(joined);
                    joined.forEach(behind::remove);
                    LOG.info("client id={} caught up partitions={} joined their feeds", clientId, joined);
                }
                Map<String, Long> l = new HashMap<>();
                for (TopicPartition tp : behind.keySet()) {
                    c.currentLag(tp).ifPresent(v -> l.merge(tp.topic(), v, Long::sum));
                }
                lag(l);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            client.readerFailed("consumer failed: " + e.getMessage(), e);
        } finally {
            reading(null);
            lag(Map.of());
            Thread.interrupted();
            c.close(Duration.ofSeconds(2));
        }
    }

    private void awaitRoom() {
        while (!client.closing() && client.queueHalfFull()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
