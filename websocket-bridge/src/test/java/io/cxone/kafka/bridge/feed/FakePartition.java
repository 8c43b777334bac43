package io.cxone.kafka.bridge.feed;

import io.cxone.kafka.bridge.BridgeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka without a broker for feed unit tests: Kafka's {@link MockConsumer} as the consumer of the feed and of
 * a catch-up reader, each fed the records the test decides, when it decides.
 */
public final class FakePartition {

    public static final TopicPartition TP = new TopicPartition("orders", 0);

    private FakePartition() {}

    /** A bridge config for a feed hub (no broker is contacted: consumers come from the test). */
    public static BridgeConfig config(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", "127.0.0.1:1", "auth.enabled", "false", "kafka.poll.timeout.ms", "5"));
        m.putAll(extra);
        return BridgeConfig.of(m);
    }

    public static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset) {
        return new ConsumerRecord<>(
                tp.topic(), tp.partition(), offset, null, ("{\"n\":" + offset + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** Routes the hub's consumers by client id: the feed's ("websocket-bridge-feed-…") or a catch-up reader's. */
    public static Function<String, Consumer<byte[], byte[]>> consumers(
            Function<TopicPartition, Consumer<byte[], byte[]>> feeds, Consumer<byte[], byte[]> catchUp) {
        return clientId -> {
            if (clientId.startsWith("websocket-bridge-feed-")) {
                String tp = clientId.substring("websocket-bridge-feed-".length());
                int dash = tp.lastIndexOf('-');
                return feeds.apply(new TopicPartition(tp.substring(0, dash), Integer.parseInt(tp.substring(dash + 1))));
            }
            return catchUp;
        };
    }

    /**
     * A {@link MockConsumer} whose empty poll waits a moment, as a real one waits up to its poll timeout (the
     * feed thread would otherwise spin), and that counts its polls.
     */
    public static final class PacedConsumer extends MockConsumer<byte[], byte[]> {
        private final AtomicInteger polls = new AtomicInteger();

        /** A consumer of {@code tp}, whose log ends at {@code end} (where a feed starts). */
        public PacedConsumer(TopicPartition tp, long end) {
            super("earliest");
            updateBeginningOffsets(Map.of(tp, 0L));
            updateEndOffsets(Map.of(tp, end));
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            polls.incrementAndGet();
            if (records.isEmpty()) {
                LockSupport.parkNanos(
                        Math.min(timeout.toNanos(), Duration.ofMillis(5).toNanos()));
            }
            return records;
        }

        public int polls() {
            return polls.get();
        }

        /** Appends records [from, to) of {@code tp} (assigned by now) for the next poll. */
        public void append(TopicPartition tp, long from, long to) {
            for (long offset = from; offset < to; offset++) {
                addRecord(record(tp, offset));
            }
            updateEndOffsets(Map.of(tp, to));
        }
    }
}
